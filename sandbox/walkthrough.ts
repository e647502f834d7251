import type { DemoTrack } from './demoCatalog.js';

/** The copy-paste tour printed when the sandbox starts. */
export function walkthrough(o: {
  apiUrl: string;
  lockerUrl: string;
  /** As deployed: the outputs file the CLI acts through. */
  outputsFile?: string | undefined;
  demoUser: string;
  apiKey: string;
  originUrl: string;
  track: DemoTrack;
  dataDir: string;
  dynamo: string;
}): string {
  const t = o.track;
  return `
trackdrop sandbox is up — ${o.outputsFile ? 'the synthesized stack (bundles, template, IAM)' : 'the same handlers as on AWS'}, on local emulators (DynamoDB: ${o.dynamo}).

  locker       ${o.lockerUrl}   (sign in as ${o.demoUser}: library, Music folder, player)
${o.outputsFile ? `  outputs      ${o.outputsFile}   (as \`cdk deploy --outputs-file\` writes it; the CLI acts through it)\n` : ''}  API          ${o.apiUrl}   (OpenAPI: ${o.apiUrl}/v1/openapi.json)
  demo store   ${o.apiKey}
  origin       ${o.originUrl}/tracks/…
  data         ${o.dataDir}/   (kept across restarts)

Try it (copy and paste into another terminal):

  export TD=${o.apiUrl} KEY=${o.apiKey}
  # 1. predeliver a license for user "alice" and track ${t.serviceTrackId}
  curl -s -X PUT $TD/v1/users/alice/licenses/${t.serviceTrackId} -H "authorization: Bearer $KEY" -d '{}'
  # 2. open a download session
  COOKIE=$(curl -s -X POST $TD/v1/downloads -H "authorization: Bearer $KEY" -d '{"userId":"alice"}' | node -p 'JSON.parse(require("fs").readFileSync(0)).cookie')
  # 3. DownloadTrack
  curl -s -X POST $TD/v1/downloads/$COOKIE/tracks -H "authorization: Bearer $KEY" \\
    -d '{"trackUrl":"${o.originUrl}/tracks/${t.file}","serviceTrackId":${t.serviceTrackId},"downloadParams":"order=1","hrDownload":0}'
  # 4. watch it finish, then see alice's library
  curl -s $TD/v1/downloads/$COOKIE -H "authorization: Bearer $KEY"
  curl -s $TD/v1/users/alice/library -H "authorization: Bearer $KEY"

As the listener (the locker's API, /v1/me/…):
  TOKEN=$(npx trackdrop token ${o.demoUser})
  curl -s $TD/v1/me/library -H "authorization: Bearer $TOKEN"

Or run a whole session with a progress bar:   npm run demo
Inspect with the operator CLI:                  npx trackdrop --help
Ctrl-C stops (tracks in flight finish first).
`;
}
