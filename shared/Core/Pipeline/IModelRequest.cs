using System.Text.Json;

namespace Gateway.Pipeline;

/// <summary>
/// A model call's request body, parsed once and validated. Every later step (model access, admission, routing, the
/// provider adapters, spend) reads this one parse, so no two readers can disagree about what the body says.
/// </summary>
public interface IModelRequest : IDisposable
{
    /// <summary>The parsed body. Valid until the request is disposed.</summary>
    JsonElement Root { get; }

    /// <summary>The model group the client named.</summary>
    string Model { get; }

    bool Stream { get; }

    /// <summary>The most output tokens one choice may produce, as the client capped it (validated positive); null: the model's own limit.</summary>
    int? MaxOutputTokens { get; }

    /// <summary>How many choices the call asks for (<c>n</c>); the worst case scales with it.</summary>
    int Choices { get; }

    /// <summary>The client's own end user (<c>user</c>, <c>metadata.user_id</c>), for spend events.</summary>
    string? EndUser { get; }

    /// <summary>Spend tags the request itself carries.</summary>
    IReadOnlyList<string> Tags { get; }
}

/// <summary>A request only one deployment can serve, because it holds what the request continues (a native response).</summary>
public interface IPinnedRequest
{
    /// <summary>The deployment's id (<c>model_info.id</c>); null: any deployment may serve it.</summary>
    string? PinnedDeployment { get; }
}
