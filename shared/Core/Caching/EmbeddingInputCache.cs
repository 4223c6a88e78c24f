using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Gateway.Embeddings;

namespace Gateway.Caching;

/// <summary>
/// Embedding batches cached per input, so a batch that shares some inputs with earlier ones sends only the new inputs
/// upstream. Each input's entry holds its vector (raw JSON, as the upstream sent it) and the model that made it; its
/// cost is the batch's cost shared by input length. Lookups and writes run at most <see cref="Parallelism"/> at a time.
/// </summary>
public sealed class EmbeddingInputCache(IResponseCacheStore store, int maxEntryBytes)
{
    /// <summary>OpenAI's own limit on inputs per request; a larger batch is cached as a whole only.</summary>
    public const int MaxInputs = 2048;
    private const int Parallelism = 16;

    /// <summary>The inputs of a request (a string is one), or null when there are too many to cache one by one.</summary>
    public static JsonElement[]? Inputs(JsonElement root)
    {
        if (!root.TryGetProperty("input", out var input)) return null;
        if (input.ValueKind == JsonValueKind.String) return [input];
        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() > MaxInputs) return null;
        return [.. input.EnumerateArray()];
    }

    /// <summary>What is cached of each input (empty where nothing is), and what those cost when they were embedded.</summary>
    public async Task<KnownEmbeddings> LookupAsync(string[] keys, string model, DateTimeOffset now, TimeSpan? maxAge, CancellationToken ct)
    {
        var known = new ReadOnlyMemory<byte>[keys.Length];
        var models = new string?[keys.Length];
        var costs = new decimal[keys.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, keys.Length), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (i, t) =>
            {
                if (await store.GetAsync(keys[i], now, t) is not { } entry || !entry.IsYoungerThan(maxAge, now) || Decode(entry.Body) is not { } e) return;
                (models[i], known[i], costs[i]) = (e.Model, e.Vector, entry.Cost);
            });
        return new KnownEmbeddings(known, models.FirstOrDefault(m => m is not null) ?? model, costs.Sum());
    }

    /// <summary>Keeps the vectors the upstream just made (those not <paramref name="known"/>), each with its share of <paramref name="cost"/>.</summary>
    public async Task StoreAsync(string[] keys, JsonElement[] inputs, KnownEmbeddings? known, ReadOnlyMemory<byte> answer, decimal cost,
        DateTimeOffset now, DateTimeOffset expires, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(answer);
        var root = doc.RootElement;
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() != keys.Length) return;
        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        var made = Enumerable.Range(0, keys.Length).Where(i => known is null || known.Known[i].IsEmpty).ToArray();
        var weights = made.ToDictionary(i => i, i => Weight(inputs[i]));
        var total = Math.Max(1, weights.Values.Sum());
        var vectors = new byte[keys.Length][];
        foreach (var item in data.EnumerateArray())
            if (item.TryGetProperty("index", out var ix) && ix.TryGetInt32(out var i) && i >= 0 && i < keys.Length && item.TryGetProperty("embedding", out var e))
                vectors[i] = Encoding.UTF8.GetBytes(e.GetRawText());
        await Parallel.ForEachAsync(made, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (i, t) =>
        {
            if (vectors[i] is not { } v) return;
            var body = Encode(model, v);
            if (body.Length > maxEntryBytes) return;
            await store.SetAsync(keys[i], new CacheEntry(body, now, expires, decimal.Round(cost * weights[i] / total, 9)), t);
        });
    }

    /// <summary>An input's share of a batch's cost: its length (characters of text, or tokens of a token array).</summary>
    private static long Weight(JsonElement input) => input.ValueKind switch
    {
        JsonValueKind.String => Math.Max(1, input.GetString()!.Length),
        JsonValueKind.Array => Math.Max(1, input.GetArrayLength()),
        _ => 1,
    };

    // An entry: the model's name (length-prefixed UTF-8), then the vector's raw JSON.
    private static byte[] Encode(string model, byte[] vector)
    {
        var name = Encoding.UTF8.GetBytes(model.Length > 256 ? "" : model);
        var body = new byte[2 + name.Length + vector.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(body, (ushort)name.Length);
        name.CopyTo(body, 2);
        vector.CopyTo(body, 2 + name.Length);
        return body;
    }

    private static (string Model, ReadOnlyMemory<byte> Vector)? Decode(byte[] body)
    {
        if (body.Length < 3) return null;
        var n = BinaryPrimitives.ReadUInt16LittleEndian(body);
        if (2 + n >= body.Length) return null;
        return (Encoding.UTF8.GetString(body, 2, n), body.AsMemory(2 + n));
    }
}
