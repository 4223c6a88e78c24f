namespace Gateway.Spend.Sinks;

/// <summary>
/// The seam through which a host supplies the Event Hubs SDK transports (<see cref="EventHubsTransport.Amqp"/> and
/// <see cref="EventHubsTransport.AmqpWebSockets"/>). Only the Azure host registers one, so the SDK and its AMQP stack
/// stay out of Core and out of the AWS binary; any host can still use the REST transport, which Core carries.
/// </summary>
public interface IEventHubsSdkTransport
{
    /// <summary>Creates the process's one SDK sink. It is disposed (closing its connection) when the host shuts down.</summary>
    ISpendSink CreateSink(EventHubsSettings hub);
}
