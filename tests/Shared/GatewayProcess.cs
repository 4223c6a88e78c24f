using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Gateway.Tests.Processes;

/// <summary>A gateway started as its own OS process, the way a user, the Functions host or Lambda's bootstrap starts it. Linked into the host test projects.</summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private GatewayProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<GatewayProcess> StartAsync(string fileName, IEnumerable<string> args, string workingDirectory, int port, IDictionary<string, string> env)
    {
        var info = Info(fileName, args, workingDirectory, env);
        var process = Process.Start(info)!;
        var gp = new GatewayProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => gp.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gp.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await gp.WaitUntilLiveAsync(TimeSpan.FromSeconds(90));
        return gp;
    }

    /// <summary>
    /// Start from a clean slate: no inherited gateway, host or AWS settings leak in from the test runner (a developer's
    /// own AWS profile or endpoint would otherwise be used); the test's variables are all the process gets of those.
    /// HOME stays: `dotnet run` needs it (a test may set its own).
    /// </summary>
    private static ProcessStartInfo Info(string fileName, IEnumerable<string> args, string workingDirectory, IDictionary<string, string> env)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("GATEWAY_") || k.StartsWith("ASPNETCORE_") || k.StartsWith("AWS_")
                     || k.StartsWith("LAMBDA_") || k is "PORT" or "FUNCTIONS_CUSTOMHANDLER_PORT").ToList())
            info.Environment.Remove(key);
        foreach (var (k, v) in env) info.Environment[k] = v;
        return info;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitUntilLiveAsync(TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"gateway exited with code {_process.ExitCode}:\n{Output}");
            try
            {
                using var r = await http.GetAsync(new Uri(BaseAddress, "/health/liveliness"));
                if (r.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"gateway did not answer /health/liveliness within {limit.TotalSeconds} s:\n{Output}");
    }

    /// <summary>Runs a command to completion and returns its exit code and output (for start-up failures).</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string fileName, IEnumerable<string> args, string workingDirectory, IDictionary<string, string> env)
    {
        using var p = Process.Start(Info(fileName, args, workingDirectory, env))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not exit within 90 s:\n{await stdout}{await stderr}");
        }
        return (p.ExitCode, await stdout + await stderr);
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public int ProcessId => _process.Id;

    /// <summary>SIGKILL: no shutdown, no flushing, as a crashed or evicted instance ends.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM, as the Functions host or Lambda stops an instance: the process shuts down gracefully.</summary>
    public void Terminate()
    {
        if (SendSignal(_process.Id, 15) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the process to exit on its own and returns its exit code; fails the test past the limit.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"gateway did not exit within {limit.TotalSeconds} s:\n{Output}");
        }
        return _process.ExitCode;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
