using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Functions.Azure.Tests;

/// <summary>A gateway started as its own OS process, the way a user or a function host starts it.</summary>
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
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        // Start from a clean slate: no inherited gateway or host settings leak in from the test runner.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("GATEWAY_") || k.StartsWith("ASPNETCORE_") || k is "PORT" or "FUNCTIONS_CUSTOMHANDLER_PORT").ToList())
            info.Environment.Remove(key);
        foreach (var (k, v) in env) info.Environment[k] = v;

        var process = Process.Start(info)!;
        var gp = new GatewayProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => gp.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gp.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await gp.WaitUntilLiveAsync(TimeSpan.FromSeconds(90));
        return gp;
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
        var info = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("GATEWAY_") || k.StartsWith("ASPNETCORE_") || k is "PORT").ToList())
            info.Environment.Remove(key);
        foreach (var (k, v) in env) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await p.WaitForExitAsync(cts.Token);
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
