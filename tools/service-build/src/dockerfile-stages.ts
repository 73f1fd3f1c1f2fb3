import { readFileSync } from 'node:fs';
import { DockerfileParser, Instruction, ModifiableInstruction } from 'dockerfile-ast';

/** One instruction as Docker reads it: its words, its `--flags`, and for exec form its JSON array. */
export interface StageInstruction {
  keyword: string;
  args: string[];
  flags: Record<string, string | null>;
  /** The text after the keyword and flags (a shell command, or a JSON array in exec form). */
  text: string;
}

export interface DockerStage {
  name: string | undefined;
  image: string;
  instructions: StageInstruction[];
}

function flagsOf(instruction: Instruction): Record<string, string | null> {
  const flags = instruction instanceof ModifiableInstruction ? instruction.getFlags() : [];
  return Object.fromEntries(flags.map((flag) => [flag.getName(), flag.getValue()]));
}

/** The Dockerfile's stages in order, each with its instructions (the global ARGs before the first FROM are left out). */
export function readDockerfileStages(path: string): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const instruction of DockerfileParser.parse(readFileSync(path, 'utf8')).getInstructions()) {
    const keyword = instruction.getKeyword();
    const args = instruction.getArguments().map((argument) => argument.getValue());
    if (keyword === 'FROM') {
      stages.push({ name: args[2], image: args[0], instructions: [] });
      continue;
    }
    const flags = flagsOf(instruction);
    const raw = instruction.getRawArgumentsContent() ?? '';
    const text = args.length > 0 ? raw.slice(raw.indexOf(args[0])) : '';
    stages.at(-1)?.instructions.push({ keyword, args, flags, text });
  }
  return stages;
}

/** `ENV A=1 B=2` of a stage, later ones winning. */
export function stageEnvironment(stage: DockerStage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    for (const assignment of instruction.args) {
      const [name, ...value] = assignment.split('=');
      env[name] = value.join('=');
    }
  }
  return env;
}
