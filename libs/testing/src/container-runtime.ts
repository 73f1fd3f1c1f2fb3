/** Whether testcontainers can reach a Docker (or compatible) engine; answers in milliseconds when none runs. */
export async function hasContainerRuntime(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}
