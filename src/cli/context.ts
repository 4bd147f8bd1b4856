/** What a command reads and where it writes: the process's, or a test's. */
export interface CliContext {
  /** Where settings such as `ZGROBOT_TOKEN` come from. */
  readonly env: NodeJS.ProcessEnv;
  /** Standard input, read by `send … xml -`. */
  readonly stdin: AsyncIterable<Uint8Array | string>;
  /** Adds a line (or lines) to what the run prints on standard output. */
  print(text: string): void;
  /** Stops a command that runs until stopped (`playground`); without it, SIGINT or SIGTERM does. */
  readonly signal?: AbortSignal;
}

/** All of `stdin`, as UTF-8 text. */
export async function readAll(stdin: AsyncIterable<Uint8Array | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
