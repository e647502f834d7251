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

test('each route goes to the function the route table names, through a payload-2.0 proxy integration', () => {
  const integrations = template.findResources('AWS::ApiGatewayV2::Integration') as Record<
    string,
    { Properties: { IntegrationUri: unknown; PayloadFormatVersion: string } }
  >;
  assert.equal(Object.keys(integrations).length, 2);
  const fnOf = (integrationId: string) => JSON.stringify(integrations[integrationId]?.Properties.IntegrationUri);
  const routeResources = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as RouteJson[];
  for (const route of routes) {
    const r = routeResources.find((x) => x.Properties.RouteKey === routeKey(route));
    assert.ok(r, routeKey(route));
    const integrationId = r.Properties.Target['Fn::Join'][1][1].Ref;
    const fn = route.fn === 'api' ? stack.functions.api : stack.functions.listener;
    assert.equal(fnOf(integrationId), JSON.stringify({ 'Fn::GetAtt': [logicalId(fn), 'Arn'] }), routeKey(route));
  }
  template.allResourcesProperties('AWS::ApiGatewayV2::Integration', {
    IntegrationType: 'AWS_PROXY',
    PayloadFormatVersion: '2.0',
  });
  // API Gateway may invoke each function for its own routes, and nothing else may.
  template.resourceCountIs('AWS::Lambda::Permission', routes.length);
  template.allResourcesProperties('AWS::Lambda::Permission', {
    Action: 'lambda:InvokeFunction',
    Principal: 'apigateway.amazonaws.com',
  });
});

interface RouteJson {
  Properties: {
    RouteKey: string;
    Target: { 'Fn::Join': [string, [string, { Ref: string }]] };
    AuthorizationType?: string;
    AuthorizerId?: unknown;
    AuthorizationScopes?: string[];
  };
}

test("listener routes need a JWT from the stack's Cognito user pool; store routes are authorised by the api function", () => {
  template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
  template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
    AuthorizerType: 'JWT',
    IdentitySource: ['$request.header.Authorization'],
    JwtConfiguration: {
      Audience: [{ Ref: logicalId(stack.listenerAuth.userPoolClient!) }],
      Issuer: {
        'Fn::Join': [
          '',
          [
            'https://cognito-idp.',
            { Ref: 'AWS::Region' },
            '.amazonaws.com/',
            { Ref: logicalId(stack.listenerAuth.userPool!) },
          ],
        ],
      },
    },
  });
  template.resourceCountIs('AWS::Cognito::UserPool', 1);
  const routeResources = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as RouteJson[];
  for (const route of routes) {
    const r = routeResources.find((x) => x.Properties.RouteKey === routeKey(route));
    assert.equal(
      r?.Properties.AuthorizationType ?? 'NONE',
      route.auth === 'listener' ? 'JWT' : 'NONE',
      routeKey(route),
    );
  }
});

test('a given issuer and audience replace the user pool; scopes and locker origins come from settings and context', () => {
  const given = synthStack({
    listenerIssuer: { issuer: 'https://id.locker.example/', audience: ['locker-web'] },
    lockerOrigins: ['https://locker.example'],
    settings: { ...defaultSettings, listener: { ...defaultSettings.listener, scopes: ['library.read'] } },
  });
  given.template.resourceCountIs('AWS::Cognito::UserPool', 0);
  given.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
    JwtConfiguration: { Audience: ['locker-web'], Issuer: 'https://id.locker.example/' },
  });
  given.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
    RouteKey: 'GET /v1/me/library',
    AuthorizationScopes: ['library.read'],
  });
  given.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
    CorsConfiguration: {
      AllowOrigins: ['https://locker.example'],
      AllowHeaders: ['authorization', 'content-type'],
      AllowMethods: ['GET', 'DELETE', 'OPTIONS'],
    },
  });
  template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
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
