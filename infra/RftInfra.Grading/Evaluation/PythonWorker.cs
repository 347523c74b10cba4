using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RftInfra.Graders.Evaluation;

/// <summary>
/// One python process running python_driver.py in the sandbox: a request line in, a reply line
/// (<c>&lt;seq&gt; &lt;json&gt;</c>) out. Everything read from it is bounded: a reply line is at most
/// <see cref="MaxReplyBytes"/>, stdout and stderr together at most <see cref="PythonLimits.OutputBytesPerCall"/>
/// per call (then the process is stopped), and only the last <see cref="StderrTailChars"/> are kept.
/// </summary>
internal sealed class PythonWorker : IAsyncDisposable
{
    public const int MaxReplyBytes = 1024 * 1024;
    private const int StderrTailChars = 2000;

    private readonly Process _process;
    private readonly Stream _replies;
    private readonly long _outputCap;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _bufferStart;
    private int _bufferEnd;
    private long _outputThisCall;
    private volatile bool _outputOverflow;
    private int _seq;

    private PythonWorker(Process process, long outputCap)
    {
        _process = process;
        _outputCap = outputCap;
        _replies = process.StandardOutput.BaseStream;
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    public static PythonWorker Start(string python, PythonSandbox sandbox, string driver, PythonLimits limits)
    {
        var prefix = sandbox.Prefix;
        var start = new ProcessStartInfo
        {
            FileName = prefix.Count > 0 ? prefix[0] : python,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            WorkingDirectory = Path.GetTempPath(),
        };
        // With a prefix the interpreter is its first argument; without one it is the program itself.
        foreach (var arg in prefix.Count > 0 ? [.. prefix.Skip(1), python, "-B", "-u", "-c", driver] : new[] { "-B", "-u", "-c", driver })
        {
            start.ArgumentList.Add(arg);
        }

        PythonSandbox.SetEnvironment(start);
        try
        {
            return new PythonWorker(Process.Start(start) ?? throw new PythonWorkerException($"{python} did not start."), limits.OutputBytesPerCall);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PythonWorkerException($"{python} did not start: {e.Message}");
        }
    }

    /// <summary>Sends one line and waits for one reply within <paramref name="timeout"/>; a null reply comes with the failure text.</summary>
    public async Task<(JsonObject? Reply, string? Failure)> CallAsync(string line, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _outputThisCall, 0);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.StandardInput.WriteLineAsync(line.AsMemory(), deadline.Token);
            await _process.StandardInput.FlushAsync(deadline.Token);
            var text = await ReadReplyLineAsync(deadline.Token);
            if (text is null)
            {
                await WaitForExitAsync(TimeSpan.FromSeconds(2));
                return (null, _outputOverflow ? OverflowText() : $"python exited (code {ExitCode()}) before replying. {StderrTail()}".TrimEnd());
            }

            var space = text.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || !int.TryParse(text.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq != _seq
                || JsonNode.Parse(text[(space + 1)..]) is not JsonObject reply)
            {
                return (null, "the python driver's reply was not in its protocol; the process was stopped.");
            }

            _seq++;
            return (reply, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, _outputOverflow
                ? OverflowText()
                : $"grade(sample, item) did not return within {FormatTimeout(timeout)} (the service's limit is 2 min per call).");
        }
        catch (ReplyTooLongException)
        {
            return (null, $"the python driver's reply was over {MaxReplyBytes / 1024} KB; the process was stopped.");
        }
        catch (Exception e) when (e is IOException or JsonException or TimeoutException or InvalidOperationException)
        {
            return (null, _outputOverflow ? OverflowText() : $"python stopped: {e.Message} {StderrTail()}".TrimEnd());
        }
    }

    /// <summary>Closes the request pipe (the driver then kills everything it started) and kills the process tree.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }

        await WaitForExitAsync(TimeSpan.FromSeconds(2));
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        await WaitForExitAsync(TimeSpan.FromSeconds(2));
        try
        {
            await _stderrPump.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            // A grandchild still holds stderr; the pump ends with it.
        }

        _process.Dispose();
    }

    private async Task WaitForExitAsync(TimeSpan limit)
    {
        try
        {
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(limit, CancellationToken.None);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            // Still running (killed next) or never started.
        }
    }

    /// <summary>One reply line, read in bounded chunks (a driver that never sends a newline cannot grow memory).</summary>
    private async Task<string?> ReadReplyLineAsync(CancellationToken cancellationToken)
    {
        using var line = new MemoryStream();
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _bufferStart, _bufferEnd - _bufferStart);
            if (newline >= 0)
            {
                line.Write(_buffer, _bufferStart, newline - _bufferStart);
                _bufferStart = newline + 1;
                return Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length);
            }

            line.Write(_buffer, _bufferStart, _bufferEnd - _bufferStart);
            _bufferStart = _bufferEnd = 0;
            if (line.Length > MaxReplyBytes)
            {
                Kill();
                throw new ReplyTooLongException();
            }

            var read = await _replies.ReadAsync(_buffer, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            _bufferEnd = read;
        }
    }

    private async Task PumpStderrAsync()
    {
        var stream = _process.StandardError.BaseStream;
        var decoder = new UTF8Encoding(false).GetDecoder();
        var bytes = new byte[16 * 1024];
        var chars = new char[bytes.Length + 4];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(bytes)) > 0)
            {
                if (Interlocked.Add(ref _outputThisCall, read) > _outputCap && !_outputOverflow)
                {
                    _outputOverflow = true;
                    Kill();
                }

                var count = decoder.GetChars(bytes, 0, read, chars, 0);
                lock (_stderr)
                {
                    _stderr.Append(chars, 0, count);
                    if (_stderr.Length > StderrTailChars * 2)
                    {
                        _stderr.Remove(0, _stderr.Length - StderrTailChars);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process is gone.
        }
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private string OverflowText() =>
        $"the grader wrote more than {_outputCap / (1024 * 1024)} MB to stdout/stderr in one call; its process was stopped. " +
        "Print less (the output is only shown as a tail).";

    private string ExitCode() =>
        _process.HasExited ? _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "unknown";

    public string StderrTail()
    {
        lock (_stderr)
        {
            var text = _stderr.ToString().Trim();
            return text.Length == 0 ? "" : "stderr: " + (text.Length > StderrTailChars ? text[^StderrTailChars..] : text);
        }
    }

    private static string FormatTimeout(TimeSpan timeout) =>
        timeout.TotalSeconds >= 1
            ? $"{timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s"
            : $"{timeout.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";

    private sealed class ReplyTooLongException : Exception;
}

internal sealed class PythonWorkerException(string message) : Exception(message);
