/*
 * Lock tokens are GUIDs. On the wire as delivery tags they use the .NET byte order (the first
 * three groups little-endian); inside `$management` bodies they are AMQP uuids in RFC order.
 */

export function lockTokenToDeliveryTag(token: string): Buffer {
  const bytes = Buffer.from(token.replace(/-/g, ''), 'hex');
  return Buffer.concat([
    bytes.subarray(0, 4).reverse(),
    bytes.subarray(4, 6).reverse(),
    bytes.subarray(6, 8).reverse(),
    bytes.subarray(8),
  ]);
}

export function lockTokenToUuidBytes(token: string): Buffer {
  return Buffer.from(token.replace(/-/g, ''), 'hex');
}

export function uuidBytesToLockToken(bytes: Buffer | string): string {
  if (typeof bytes === 'string') return bytes.toLowerCase();
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
