import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { settingsForStage } from '../functions/settings.js';
import { readListenerIssuer, readLockerOrigins, readSourceBuckets, readStage, stackName } from './cdk/appContext.js';
import { TrackdropStack } from './cdk/TrackdropStack.js';

const app = new App();
const stage = readStage(app);
new TrackdropStack(app, stackName(stage), {
  description: `trackdrop (${stage}): content-partner downloads into users' cloud Music folders`,
  settings: settingsForStage(stage),
  sourceBuckets: readSourceBuckets(app),
  listenerIssuer: readListenerIssuer(app),
  lockerOrigins: readLockerOrigins(app),
});
// cdk-nag 3 runs as a policy-validation plugin: an unacknowledged error fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
