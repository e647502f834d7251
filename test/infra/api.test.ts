import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { routeKey, routes } from '../../functions/api/routes.js';
import { defaultSettings } from '../../functions/settings.js';
import { logicalId, synthStack } from './stackFixture.js';

const { stack, template } = synthStack();

test('one HTTP API with one route per entry of the shared route table', () => {
  template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
  template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
  template.resourceCountIs('AWS::ApiGatewayV2::Route', routes.length);
  const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
    (r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey,
  );
  assert.deepEqual(keys.sort(), routes.map(routeKey).sort());
});

test('every route goes to the api function through one payload-2.0 proxy integration', () => {
  template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
  template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
    IntegrationType: 'AWS_PROXY',
    PayloadFormatVersion: '2.0',
    IntegrationUri: { 'Fn::GetAtt': [logicalId(stack.functions.api), 'Arn'] },
  });
  const integrationId = Object.keys(template.findResources('AWS::ApiGatewayV2::Integration'))[0];
  assert.ok(integrationId);
  template.allResourcesProperties('AWS::ApiGatewayV2::Route', {
    Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
  });
  // API Gateway may invoke the function for each route, and nothing else may.
  template.resourceCountIs('AWS::Lambda::Permission', routes.length);
  template.allResourcesProperties('AWS::Lambda::Permission', {
    Action: 'lambda:InvokeFunction',
    Principal: 'apigateway.amazonaws.com',
    FunctionName: { 'Fn::GetAtt': [logicalId(stack.functions.api), 'Arn'] },
  });
});

test('the $default stage is throttled from settings and writes JSON access logs', () => {
  template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
  template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
    StageName: '$default',
    AutoDeploy: true,
    DefaultRouteSettings: {
      ThrottlingRateLimit: defaultSettings.limits.apiRatePerSecond,
      ThrottlingBurstLimit: defaultSettings.limits.apiBurst,
    },
    AccessLogSettings: {
      DestinationArn: { 'Fn::GetAtt': [logicalId(stack.api.accessLogGroup), 'Arn'] },
      Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
    },
  });
  template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
});
