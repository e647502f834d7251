import { Aws, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** A locker's own identity provider: the issuer of listeners' JWTs and the audience they carry. */
export interface ListenerIssuer {
  readonly issuer: string;
  readonly audience: readonly string[];
}

export interface ListenerAuthConstructProps {
  /** The locker's identity provider; when none is given the stack creates a Cognito user pool. */
  readonly issuer?: ListenerIssuer | undefined;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Who may call the listener API: the given issuer and audience, or a Cognito user pool of the
 * stack's own (its issuer, and its app client's id as the audience Cognito puts in ID tokens'
 * `aud` and access tokens' `client_id`, both of which API Gateway accepts).
 */
export class ListenerAuthConstruct extends Construct {
  public readonly issuer: string;
  public readonly audience: readonly string[];
  public readonly userPool?: UserPool;
  public readonly userPoolClient?: UserPoolClient;

  constructor(scope: Construct, id: string, props: ListenerAuthConstructProps) {
    super(scope, id);
    if (props.issuer) {
      this.issuer = props.issuer.issuer;
      this.audience = props.issuer.audience;
      return;
    }
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy: props.removalPolicy,
    });
    this.userPoolClient = this.userPool.addClient('LockerClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
    });
    this.issuer = `https://cognito-idp.${Aws.REGION}.amazonaws.com/${this.userPool.userPoolId}`;
    this.audience = [this.userPoolClient.userPoolClientId];
  }
}
