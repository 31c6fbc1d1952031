// The CDK app (cdk.json runs it): reads the deployer's options and creates the one Meshmeet stack.
// No account or region is fixed here, so synth needs no credentials; `cdk deploy` uses the caller's.
import { App } from 'aws-cdk-lib';
import { ConfigError, readConfig } from './config.js';
import { MeshmeetStack } from './meshmeet-stack.js';

const app = new App();
try {
  const config = readConfig(app.node);
  new MeshmeetStack(app, config.stackName, {
    config,
    description: 'Meshmeet: video meetings on a WebRTC mesh with serverless signalling',
  });
} catch (error) {
  // A configuration mistake is the deployer's to fix: say what, without a stack trace.
  if (error instanceof ConfigError) {
    console.error(`Meshmeet configuration: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
