using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Gateway.Telemetry;

/// <summary>
/// The gateway's OpenTelemetry sources: one span per call (<see cref="CallSpans"/>) with children for admission, each
/// upstream attempt and the spend hand-off, and the GenAI client metrics. With no exporter configured nothing listens,
/// and starting a span or recording a metric is a null check.
/// </summary>
public static class GatewayTelemetry
{
    public const string SourceName = "Gateway";

    public static readonly ActivitySource Source = new(SourceName, typeof(GatewayTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(SourceName, typeof(GatewayTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary><c>gen_ai.client.operation.duration</c>: seconds from the request to the call's settle.</summary>
    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>("gen_ai.client.operation.duration", "s",
        "GenAI operation duration", advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
        });

    /// <summary><c>gen_ai.client.token.usage</c>: input and output tokens per call (<c>gen_ai.token.type</c>).</summary>
    public static readonly Histogram<long> TokenUsage = Meter.CreateHistogram<long>("gen_ai.client.token.usage", "{token}",
        "Measures number of input and output tokens used", advice: new InstrumentAdvice<long>
        {
            HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
        });
}
