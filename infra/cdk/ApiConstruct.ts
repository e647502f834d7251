import { Validations, type RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routes } from '../../functions/api/routes.js';
import type { TrackdropSettings } from '../../functions/settings.js';

export interface ApiConstructProps {
  readonly settings: TrackdropSettings;
  readonly apiFunction: IFunction;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** HTTP API fields of one access-log line (JSON, one object per request). */
const accessLogFields = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
};

/** The store-facing HTTP API: one route per entry of the shared route table, all to the api function. */
export class ApiConstruct extends Construct {
  public readonly httpApi: HttpApi;
  public readonly stage: HttpStage;
  public readonly accessLogGroup: LogGroup;
  public readonly routes: HttpRoute[];

  constructor(scope: Construct, id: string, props: ApiConstructProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'trackdrop store-facing API (v1)',
      // The stage is created below with throttling and access logs, which the default stage cannot take.
      createDefaultStage: false,
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    // HTTP APIs have no per-client API keys or usage plans, so stage throttling is the only
    // AWS-side limit: on all stores together, sized for all of them; the api function enforces
    // each store's own rate and burst itself.
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.settings.limits.apiRatePerSecond,
        burstLimit: props.settings.limits.apiBurst,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });

    const integration = new HttpLambdaIntegration('ApiIntegration', props.apiFunction, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    });
    this.routes = routes.map(
      (route) =>
        new HttpRoute(this, `Route-${route.name}`, {
          httpApi: this.httpApi,
          routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
          integration,
        }),
    );
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Auth is done by the api function with store API keys (Bearer, checked against their hashes in the ' +
        'stores table); a Lambda authorizer would only add a second invocation for the same lookup.',
    });
  }

  /** The URL stores call, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/`. */
  public get url(): string {
    return this.stage.url;
  }
}
