// The `hearth` executable: real process streams and environment into the CLI.
import { runCli } from './main.js';

const status = await runCli(process.argv.slice(2), {
  out: process.stdout,
  err: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
process.exitCode = status;
