using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Gateway.Hosting;

/// <summary>
/// Stopwatches around each start-up step, on with <c>--startup-trace</c> or <c>GATEWAY_STARTUP_TRACE=1</c>. The table goes
/// to stderr once the first request has been answered, so it covers fork to first 200. Each step also says what it
/// allocated and how many garbage collections ran: at start-up, fresh memory costs page faults and zeroing, and a
/// collection copies what survived. Off, each mark is one branch.
/// </summary>
public static class StartupTrace
{
    private static readonly long Origin = Stopwatch.GetTimestamp();
    private static readonly List<(string Step, long At, long Allocated, int Collections)> Marks = [];
    private static int _reported;

    public static bool Enabled { get; private set; }

    /// <summary>Called first thing in Main: turns tracing on when asked, and takes the first mark.</summary>
    public static void Begin(string[] args)
    {
        if (Enabled) return;
        Enabled = args.Contains(Flag) || Environment.GetEnvironmentVariable("GATEWAY_STARTUP_TRACE") == "1";
        if (Enabled) Mark("main entered");
    }

    /// <summary>The arguments without the flag: the host's command-line configuration would take the next one as its value.</summary>
    public static string[] WithoutFlag(string[] args) => Array.IndexOf(args, Flag) < 0 ? args : [.. args.Where(a => a != Flag)];

    private const string Flag = "--startup-trace";

    public static void Mark(string step)
    {
        if (!Enabled) return;
        lock (Marks) Marks.Add((step, Stopwatch.GetTimestamp(), GC.GetTotalAllocatedBytes(), GC.CollectionCount(0)));
    }

    /// <summary>Writes the table once (the first caller wins): each step's time since the previous mark and since main.</summary>
    public static void Report(string lastStep)
    {
        if (!Enabled || Interlocked.Exchange(ref _reported, 1) == 1) return;
        Mark(lastStep);
        var text = new StringBuilder("startup trace (ms; 'before main' is process start to main, coarse: 10 ms ticks; KB allocated; GCs)\n");
        text.Append(CultureInfo.InvariantCulture, $"  {"before main",-44} {BeforeMainMs(),8:F1}\n");
        lock (Marks)
        {
            var (previous, allocated, collections) = (Origin, 0L, 0);
            foreach (var (step, at, bytes, gcs) in Marks)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"  {step,-44} {Stopwatch.GetElapsedTime(previous, at).TotalMilliseconds,8:F2} {Stopwatch.GetElapsedTime(Origin, at).TotalMilliseconds,9:F2}" +
                    $" {(bytes - allocated) / 1024,8:N0} KB {gcs - collections,3} GC\n");
                (previous, allocated, collections) = (at, bytes, gcs);
            }
            text.Append(CultureInfo.InvariantCulture, $"  {"total allocated",-44} {allocated / 1024,28:N0} KB {collections,3} GC\n");
        }
        Console.Error.Write(text.ToString());
    }

    /// <summary>Process start to the first mark, from /proc (Linux only; 10 ms resolution): the runtime's own start-up.</summary>
    private static double BeforeMainMs()
    {
        try
        {
            // Field 22 of /proc/self/stat is the start time in clock ticks (100 per second) since boot; /proc/uptime is
            // seconds since boot with two decimals. Both share one clock, unlike Process.StartTime's whole-second boot time.
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var startTicks = long.Parse(fields[19], CultureInfo.InvariantCulture);
            var uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);
            var sinceStart = uptime * 1000 - startTicks * 10.0;
            return Math.Max(0, sinceStart - Stopwatch.GetElapsedTime(Origin).TotalMilliseconds);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return double.NaN;
        }
    }
}
