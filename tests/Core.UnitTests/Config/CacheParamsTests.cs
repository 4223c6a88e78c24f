using Gateway.Caching;
using Gateway.Pipeline;

namespace Gateway.Tests.Config;

/// <summary><c>litellm_settings.cache</c> and <c>cache_params</c> by LiteLLM's names, with precise problems and warnings.</summary>
public sealed class CacheParamsTests
{
    private const string Models = """
        model_list:
          - model_name: a
            litellm_params: { model: mock/a }
          - model_name: b
            litellm_params: { model: mock/b }
        """;

    [Fact]
    public void The_cache_is_off_unless_cache_is_true()
    {
        Assert.False(ConfigText.Parse(Models).Cache.Enabled);
        var off = ConfigText.Parse(Models + "\nlitellm_settings:\n  cache: false\n  cache_params: { type: local }\n");
        Assert.False(off.Cache.Enabled);
        Assert.Contains(off.Warnings, w => w.Contains("cache_params: ignored because litellm_settings.cache is not true"));
    }

    [Fact]
    public void Cache_true_alone_is_a_local_default_on_cache_of_chat_embeddings_and_messages()
    {
        var c = ConfigText.Parse(Models + "\nlitellm_settings:\n  cache: true\n").Cache;
        Assert.True(c.Enabled);
        Assert.Equal(CacheType.Local, c.Type);
        Assert.True(c.DefaultOn);
        Assert.Equal(TimeSpan.FromMinutes(10), c.Ttl);
        Assert.Equal(CacheScope.Global, c.Scope);
        Assert.False(c.CacheSampled);
        Assert.Equal([CallKind.ChatCompletion, CallKind.Embedding, CallKind.AnthropicMessages], c.CallKinds.Order());
    }

    [Fact]
    public void Every_param_is_read()
    {
        var config = ConfigText.Parse(Models + """

            litellm_settings:
              cache: true
              cache_params:
                type: local
                ttl: 120
                mode: default_off
                namespace: eval
                max_size_in_memory: 50
                cache_scope: team
                cache_sampled_responses: true
                supported_call_types: [acompletion, embedding]
                caching_groups: [[a, b]]
            """);
        var c = config.Cache;
        Assert.Empty(config.Warnings);
        Assert.Equal(TimeSpan.FromSeconds(120), c.Ttl);
        Assert.False(c.DefaultOn);
        Assert.Equal("eval", c.Namespace);
        Assert.Equal(50, c.MaxEntries);
        Assert.Equal(CacheScope.Team, c.Scope);
        Assert.True(c.CacheSampled);
        Assert.Equal([CallKind.ChatCompletion, CallKind.Embedding], c.CallKinds.Order());
        Assert.Equal("a", c.CacheGroupOf("b"));
        Assert.Equal("a", c.CacheGroupOf("a"));
    }

    [Fact]
    public void Redis_and_s3_map_to_the_store_with_a_warning_naming_the_unused_settings()
    {
        var config = ConfigText.Parse(Models + """

            litellm_settings:
              cache: true
              cache_params:
                type: redis
                host: localhost
                port: 6379
                password: hunter2
            """);
        Assert.Equal(CacheType.Store, config.Cache.Type);
        var warning = config.Warnings.First();
        Assert.Contains("'redis' is served by the gateway's own store (type: store)", warning);
        Assert.Contains("host, port, password not used", warning);
        Assert.Equal(CacheType.Store, ConfigText.Parse(Models + "\nlitellm_settings:\n  cache: true\n  cache_params: { type: s3, s3_bucket_name: b }\n").Cache.Type);
    }

    [Fact]
    public void Bad_values_are_problems_naming_the_field()
    {
        var e = ConfigText.Fails(Models + """

            litellm_settings:
              cache: true
              cache_params:
                type: memcached
                ttl: 0
                mode: sometimes
                cache_scope: user
                supported_call_types: [acompletion, speech]
                caching_groups: [[a, nope], [b]]
            """);
        Assert.Contains(e.Problems, p => p.Contains("cache_params.type: 'memcached' is not one of local, store, semantic"));
        Assert.Contains(e.Problems, p => p.Contains("cache_params.ttl: 0 is too small"));
        Assert.Contains(e.Problems, p => p.Contains("cache_params.mode: 'sometimes' is not default_on or default_off"));
        Assert.Contains(e.Problems, p => p.Contains("cache_params.cache_scope: 'user' is not global, key or team"));
        Assert.Contains(e.Problems, p => p.Contains("supported_call_types: 'speech' is not a call type"));
        Assert.Contains(e.Problems, p => p.Contains("caching_groups: 'nope' is not a model_name in model_list"));
        Assert.Contains(e.Problems, p => p.Contains("caching_groups: each entry must list two or more model group names"));
    }

    [Fact]
    public void Call_types_without_a_route_yet_are_warned_about()
    {
        var config = ConfigText.Parse(Models + "\nlitellm_settings:\n  cache: true\n  cache_params:\n    supported_call_types: [acompletion, atranscription]\n");
        Assert.Contains(config.Warnings, w => w.Contains("'atranscription' has no route in this gateway yet"));
        Assert.Equal([CallKind.ChatCompletion], config.Cache.CallKinds);
    }

    [Fact]
    public void Semantic_needs_an_embedding_model_from_the_model_list_and_takes_a_threshold()
    {
        var c = ConfigText.Parse(Models + "\nlitellm_settings:\n  cache: true\n  cache_params: { type: semantic, semantic_cache_embedding_model: b, similarity_threshold: 0.9 }\n").Cache;
        Assert.Equal(CacheType.Semantic, c.Type);
        Assert.Equal("b", c.EmbeddingModel);
        Assert.Equal(0.9, c.SimilarityThreshold);
        Assert.Equal(0.95, ConfigText.Parse(Models + "\nlitellm_settings:\n  cache: true\n  cache_params: { type: semantic, semantic_cache_embedding_model: b }\n").Cache.SimilarityThreshold);
        Assert.Contains(ConfigText.Fails(Models + "\nlitellm_settings:\n  cache: true\n  cache_params: { type: semantic }\n").Problems,
            p => p.Contains("semantic_cache_embedding_model: type semantic needs an embedding model"));
        Assert.Contains(ConfigText.Fails(Models + "\nlitellm_settings:\n  cache: true\n  cache_params: { type: semantic, semantic_cache_embedding_model: nope, similarity_threshold: 2 }\n").Problems,
            p => p.Contains("'nope' is not a model_name"));
        var redis = ConfigText.Parse(Models + "\nlitellm_settings:\n  cache: true\n  cache_params: { type: redis-semantic, semantic_cache_embedding_model: a }\n");
        Assert.Equal(CacheType.Semantic, redis.Cache.Type);
        Assert.Contains(redis.Warnings, w => w.Contains("'redis-semantic' is served by the gateway's own semantic cache"));
    }
}
