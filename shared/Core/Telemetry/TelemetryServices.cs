using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Telemetry;

/// <summary>
/// Exports the call spans and the GenAI client metrics over OTLP when an endpoint is configured with the standard
/// variables: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the signal paths <c>/v1/traces</c> and <c>/v1/metrics</c> are added),
/// or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> / <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c> (used as given);
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (<c>http/protobuf</c>, the default here, or <c>grpc</c>), <c>OTEL_EXPORTER_OTLP_HEADERS</c>,
/// <c>OTEL_SERVICE_NAME</c>, <c>OTEL_BSP_SCHEDULE_DELAY</c>, <c>OTEL_METRIC_EXPORT_INTERVAL</c>, <c>OTEL_SDK_DISABLED</c>.
/// With none set, nothing is registered and no span is made.
/// </summary>
public static class TelemetryServices
{
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, Func<string, string?> env)
    {
        if (string.Equals(env("OTEL_SDK_DISABLED"), "true", StringComparison.OrdinalIgnoreCase)) return services;
        var baseEndpoint = env("OTEL_EXPORTER_OTLP_ENDPOINT")?.TrimEnd('/');
        var traces = Endpoint(env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), baseEndpoint, "v1/traces");
        var metrics = Endpoint(env("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"), baseEndpoint, "v1/metrics");
        if (traces is null && metrics is null) return services;

        var grpc = string.Equals(env("OTEL_EXPORTER_OTLP_PROTOCOL"), "grpc", StringComparison.OrdinalIgnoreCase);
        var headers = env("OTEL_EXPORTER_OTLP_HEADERS");
        var otel = services.AddOpenTelemetry().ConfigureResource(r => r.AddService(env("OTEL_SERVICE_NAME") ?? "llm-gateway"));
        if (traces is not null)
            // System.Net.Http: the upstream request's own client span, whose id the upstream receives in traceparent.
            otel.WithTracing(t => t.AddSource(GatewayTelemetry.SourceName, "System.Net.Http").AddOtlpExporter(o =>
            {
                Configure(o, traces, grpc, headers);
                if (Milliseconds(env("OTEL_BSP_SCHEDULE_DELAY")) is { } delay) o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = delay;
            }));
        if (metrics is not null)
            otel.WithMetrics(m => m.AddMeter(GatewayTelemetry.SourceName).AddOtlpExporter((o, reader) =>
            {
                Configure(o, metrics, grpc, headers);
                if (Milliseconds(env("OTEL_METRIC_EXPORT_INTERVAL")) is { } every) reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = every;
            }));
        return services;
    }

    private static Uri? Endpoint(string? signal, string? baseEndpoint, string path) =>
        !string.IsNullOrWhiteSpace(signal) ? new Uri(signal)
        : !string.IsNullOrWhiteSpace(baseEndpoint) ? new Uri(baseEndpoint + "/" + path)
        : null;

    private static void Configure(OtlpExporterOptions o, Uri endpoint, bool grpc, string? headers)
    {
        o.Endpoint = endpoint;
        o.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        if (!string.IsNullOrWhiteSpace(headers)) o.Headers = headers;
    }

    private static int? Milliseconds(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0 ? ms : null;
}
