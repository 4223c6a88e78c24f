namespace Gateway.Infra.Azure.Tests.Infrastructure;

/// <summary>Reading compiled ARM templates (languageVersion 2.0 keeps resources in an object keyed by symbolic name).</summary>
public static class Arm
{
    /// <summary>A resource definition and the chain of nested deployment (module) names it sits in.</summary>
    public sealed record Definition(JsonObject Resource, IReadOnlyList<string> ModulePath)
    {
        public string Type => Resource["type"]!.GetValue<string>();
        public JsonObject Properties => Resource["properties"]?.AsObject() ?? new JsonObject();
    }

    public static IEnumerable<JsonObject> Resources(JsonNode template) => template["resources"] switch
    {
        JsonArray array => array.Select(r => r!.AsObject()),
        JsonObject symbolic => symbolic.Select(p => p.Value!.AsObject()),
        null => [],
        var other => throw new InvalidOperationException($"Unexpected resources node: {other}"),
    };

    /// <summary>Every resource definition in the template and, recursively, in its nested deployments.</summary>
    public static IEnumerable<Definition> Walk(JsonNode template) => Walk(template, []);

    private static IEnumerable<Definition> Walk(JsonNode template, IReadOnlyList<string> path)
    {
        foreach (var resource in Resources(template))
        {
            var definition = new Definition(resource, path);
            yield return definition;
            if (definition.Type == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is { } nested)
            {
                var name = resource["name"]?.ToString() ?? "?";
                foreach (var inner in Walk(nested, [.. path, name])) yield return inner;
            }
        }
    }

    /// <summary>The nested deployment whose name expression contains <paramref name="nameFragment"/>.</summary>
    public static JsonObject Module(JsonNode template, string nameFragment) =>
        Walk(template).Where(d => d.Type == "Microsoft.Resources/deployments")
            .Select(d => d.Resource)
            .Single(r => r["name"]!.ToString().Contains(nameFragment, StringComparison.Ordinal));

    public static string Str(JsonNode? node, string what) =>
        node?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"{what} is missing.");
}
