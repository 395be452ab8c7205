/** The part of the `net-snmp` package (no published types) that the SNMP line-test driver uses. */
declare module 'net-snmp' {
  export interface Varbind { readonly oid: string; readonly type: number; readonly value: unknown }
  export interface SessionOptions { port?: number; retries?: number; timeout?: number; version?: number; transport?: 'udp4' | 'udp6' }
  export interface Session {
    get(oids: string[], callback: (error: Error | null, varbinds: Varbind[]) => void): void;
    set(varbinds: Array<{ oid: string; type: number; value: unknown }>, callback: (error: Error | null, varbinds: Varbind[]) => void): void;
    on(event: 'error', listener: (e: Error) => void): void;
    close(): void;
  }
  export const Version2c: number;
  export const ObjectType: { readonly Integer: number };
  export function createSession(target: string, community: string, options?: SessionOptions): Session;
  export function isVarbindError(vb: Varbind): boolean;
  export function varbindError(vb: Varbind): string;
  const snmp: {
    Version2c: typeof Version2c; ObjectType: typeof ObjectType; createSession: typeof createSession;
    isVarbindError: typeof isVarbindError; varbindError: typeof varbindError;
  };
  export default snmp;
}
