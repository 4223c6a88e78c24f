namespace Gateway.Pricing;

/// <summary>
/// The built-in list prices (<c>prices.json</c>, embedded in this assembly and read once), looked up by any
/// spelling of a model id: routing prefixes, Bedrock inference profiles, <c>:N</c> versions and release dates
/// are tried away until the table knows the id (see <see cref="ModelIds"/>).
/// </summary>
public sealed class PriceTable
{
    public const string ResourceName = "Gateway.Pricing.prices.json";

    private static readonly Lazy<PriceTable> Embedded = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Lookup key (a table id or alias, lower case, also without its <c>:N</c> version) → table id.</summary>
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PriceEntry> _entries = new(StringComparer.Ordinal);

    internal PriceTable(string source, string checkedOn, IEnumerable<(string Id, PriceEntry Entry)> entries)
    {
        Source = source;
        Checked = checkedOn;
        var clashes = new List<string>();
        foreach (var (id, entry) in entries)
        {
            _entries.Add(id, entry);
            foreach (var key in entry.Aliases.Prepend(id))
            {
                var k = ModelIds.Normalise(key);
                if (!_keys.TryAdd(k, id)) clashes.Add($"'{key}' ({id}) is already listed for {_keys[k]}");
            }
        }
        // Second pass so a derived key never shadows an id or alias written out in full.
        foreach (var (key, id) in _keys.ToArray())
            _keys.TryAdd(ModelIds.WithoutVersion(key), id);
        if (clashes.Count > 0)
            throw new InvalidDataException("prices.json: duplicate model ids:\n  - " + string.Join("\n  - ", clashes));
    }

    /// <summary>The table built into the gateway.</summary>
    public static PriceTable Default => Embedded.Value;

    /// <summary>The file's <c>source</c> notes.</summary>
    public string Source { get; }

    /// <summary>When the prices were last checked against the providers' pages (yyyy-MM-dd).</summary>
    public string Checked { get; }

    /// <summary>Every entry by its table id.</summary>
    public IReadOnlyDictionary<string, PriceEntry> Entries => _entries;

    public static PriceTable Parse(ReadOnlyMemory<byte> utf8Json) => PriceTableReader.Read(utf8Json);

    public static PriceTable Parse(string json) => Parse(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>The entry for a model id as listed, and the table id it was found under; false when no spelling of it is listed.</summary>
    public bool TryFind(string modelId, out string tableId, out PriceEntry entry) => TryFindKey(ModelIds.Parse(modelId).Id, out tableId, out entry);

    private bool TryFindKey(string normalised, out string tableId, out PriceEntry entry)
    {
        foreach (var key in ModelIds.Candidates(normalised))
        {
            if (_keys.TryGetValue(key, out tableId!))
            {
                entry = _entries[tableId];
                return true;
            }
        }
        (tableId, entry) = (null!, null!);
        return false;
    }

    /// <summary>The entry for a model id as billed at the endpoint the id names (a Bedrock geo profile or an Azure Data
    /// Zone id adds the entry's <c>regional_premium</c>); null when the table does not list it.</summary>
    public PriceEntry? Find(string modelId)
    {
        var key = ModelIds.Parse(modelId);
        if (!TryFindKey(key.Id, out _, out var entry)) return null;
        return key.Scope == EndpointScope.Regional ? entry.OnRegionalEndpoint() : entry;
    }

    /// <summary>The rates of a model id, null when the table does not list it.</summary>
    public ModelRates? Lookup(string modelId) => Find(modelId)?.Resolve();

    private static PriceTable LoadEmbedded()
    {
        using var stream = typeof(PriceTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource '{ResourceName}' is missing from {typeof(PriceTable).Assembly.GetName().Name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }
}
