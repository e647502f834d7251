import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { lockerCors, type RouteFunction, routes } from '../../functions/api/routes.js';
import type { TrackdropSettings } from '../../functions/settings.js';
import type { ListenerIssuer } from './ListenerAuthConstruct.js';

export interface ApiConstructProps {
  readonly settings: TrackdropSettings;
  readonly apiFunction: IFunction;
  readonly listenerFunction: IFunction;
  /** Whose JWTs the listener routes accept (API Gateway's JWT authorizer checks them). */
  readonly listenerIssuer: ListenerIssuer;
  /** Origins a locker page may call the API from (CORS); none: no CORS headers at all. */
  readonly lockerOrigins?: readonly string[] | undefined;
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

/**
 * The HTTP API: one route per entry of the shared route table, to the function the table names.
 * Store routes are authenticated by the api function (store API keys); listener routes by API
 * Gateway's JWT authorizer, so no unsigned or foreign token ever reaches the listener function.
 */
export class ApiConstruct extends Construct {
  public readonly httpApi: HttpApi;
  public readonly jwtAuthorizer: HttpJwtAuthorizer;
  public readonly stage: HttpStage;
  public readonly accessLogGroup: LogGroup;
  public readonly routes: HttpRoute[];

  constructor(scope: Construct, id: string, props: ApiConstructProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'trackdrop store-facing API (v1)',
      // The stage is created below with throttling and access logs, which the default stage cannot take.
      createDefaultStage: false,
      ...(props.lockerOrigins?.length
        ? {
            corsPreflight: {
              allowOrigins: [...props.lockerOrigins],
              allowHeaders: [...lockerCors.allowHeaders],
              allowMethods: lockerCors.allowMethods.map((m) => CorsHttpMethod[m]),
              maxAge: Duration.seconds(lockerCors.maxAgeSeconds),
            },
          }
        : {}),
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

    const integrations: Record<RouteFunction, HttpLambdaIntegration> = {
      api: new HttpLambdaIntegration('ApiIntegration', props.apiFunction, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      }),
      listener: new HttpLambdaIntegration('ListenerIntegration', props.listenerFunction, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      }),
    };
    this.jwtAuthorizer = new HttpJwtAuthorizer('ListenerJwt', props.listenerIssuer.issuer, {
      jwtAudience: [...props.listenerIssuer.audience],
      identitySource: ['$request.header.Authorization'],
    });
    const scopes = props.settings.listener.scopes;
    this.routes = routes.map((route) => {
      const httpRoute = new HttpRoute(this, `Route-${route.name}`, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: integrations[route.fn],
        ...(route.auth === 'listener'
          ? { authorizer: this.jwtAuthorizer, ...(scopes.length ? { authorizationScopes: [...scopes] } : {}) }
          : {}),
      });
      if (route.auth !== 'listener') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            route.auth === 'store'
              ? 'Auth is done by the api function with store API keys (Bearer, checked against their hashes in the ' +
                'stores table); a Lambda authorizer would only add a second invocation for the same lookup.'
              : 'A public document (the API description); it reveals nothing about any user or store.',
        });
      }
      return httpRoute;
    });
  }

  /** The URL stores call, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/`. */
  public get url(): string {
    return this.stage.url;
  }
}
