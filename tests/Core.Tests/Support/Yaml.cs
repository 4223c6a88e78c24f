namespace Gateway.Tests.Support;

/// <summary>Gateway configs used across tests.</summary>
public static class Yaml
{
    public const string MasterKey = "sk-test-master-0123456789";

    /// <summary>The offline mock models plus, when given, an OpenAI-compatible deployment at <paramref name="openAIBase"/>.</summary>
    public static string Config(string? openAIBase = null, string extraModels = "", bool masterKey = true, string? extraGeneral = null) => $"""
        model_list:
          - model_name: mock
            litellm_params:
              model: mock/mock-1
          - model_name: mock-embedding
            litellm_params:
              model: mock/mock-embedding-1
        {(openAIBase is null ? "" : $"""
          - model_name: gpt-4o-mini
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {openAIBase}
              api_key: sk-upstream-secret-key
              timeout: 5
          - model_name: text-embedding-3-small
            litellm_params:
              model: openai/text-embedding-3-small
              api_base: {openAIBase}
              api_key: sk-upstream-secret-key
        """)}
        {extraModels}
        general_settings:
        {(masterKey ? $"  master_key: {MasterKey}" : "")}
        {extraGeneral ?? ""}
        """;
}
