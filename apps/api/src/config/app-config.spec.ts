import { decideEgress } from '../egress/egress-policy';
import { AppConfig } from './app-config';
import { validateEnvironment } from './env.schema';

const configOf = (env: Record<string, string>) => new AppConfig(validateEnvironment(env));

describe(AppConfig.name, () => {
  it('reads the lowercase proxy variables before the uppercase ones, as curl does', () => {
    const sut = configOf({
      HTTP_PROXY: 'http://upper:1',
      http_proxy: 'http://lower:1',
      HTTPS_PROXY: 'http://upper:2',
      NO_PROXY: 'upper.example',
      no_proxy: '',
    });
    expect(sut.egress.proxies).toEqual({
      httpProxy: 'http://lower:1',
      httpsProxy: 'http://upper:2',
      noProxy: 'upper.example',
    });
  });

  it('builds the egress policy from EGRESS_ALLOW_CIDRS and EGRESS_DENY_CIDRS', () => {
    const { policy } = configOf({
      EGRESS_ALLOW_CIDRS: '10.0.0.0/8',
      EGRESS_DENY_CIDRS: '10.9.0.0/16',
    }).egress;
    expect(decideEgress('10.1.0.1', policy)).toEqual({ allowed: true });
    expect(decideEgress('10.9.0.1', policy)).toEqual({ allowed: false, reason: 'denied' });
    expect(decideEgress('192.0.2.1', policy)).toEqual({ allowed: false, reason: 'not_allowed' });
    expect(configOf({}).egress.policy).toEqual({ allow: null, deny: [] });
  });

  it('traces only with an OTLP endpoint, unless the SDK or the trace exporter is turned off', () => {
    expect(configOf({}).tracing).toBeNull();
    expect(configOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toEqual({
      protocol: 'http/protobuf',
    });
    expect(
      configOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }).tracing,
    ).not.toBeNull();
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(configOf({ ...on, OTEL_SDK_DISABLED: 'true' }).tracing).toBeNull();
    expect(configOf({ ...on, OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeNull();
  });

  it('takes the traces protocol before the general one', () => {
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(configOf({ ...on, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).tracing).toEqual({
      protocol: 'http/json',
    });
    expect(
      configOf({
        ...on,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      }).tracing,
    ).toEqual({ protocol: 'http/protobuf' });
  });

  it('refuses at boot what it cannot export: gRPC, an endpoint that is not a URL', () => {
    expect(() => configOf({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL/,
    );
    expect(() => configOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });
});
