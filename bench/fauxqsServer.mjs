// fauxqs (SQS + S3) in a process of its own, for the benchmark. The package's own CLI always
// logs every request (it passes `logger: true`, so FAUXQS_LOGGER is ignored) and has no
// file-backed S3 option; this starts the same server quietly, with S3 bodies on disk when
// FAUXQS_S3_STORAGE_DIR is set, on a free port it prints as one JSON line.
import { startFauxqs } from 'fauxqs';

const s3StorageDir = process.env.FAUXQS_S3_STORAGE_DIR;
const server = await startFauxqs({
  port: Number(process.env.FAUXQS_PORT ?? 0),
  host: process.env.FAUXQS_HOST ?? '127.0.0.1',
  logger: false,
  ...(s3StorageDir ? { s3StorageDir } : {}),
});
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
const stop = () => void server.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
