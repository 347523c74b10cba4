using System.Buffers;

namespace RftInfra.Files;

/// <summary>How a line read by <see cref="JsonlLineReader"/> ended.</summary>
public enum LineEnd
{
    /// <summary>Ended with <c>\n</c>.</summary>
    Newline,

    /// <summary>The last line of the file, with no <c>\n</c> after it.</summary>
    EndOfFile,

    /// <summary>Longer than the reader's limit: its bytes were skipped, the span is empty.</summary>
    TooLong,
}

/// <summary>
/// Splits a stream into <c>\n</c>-terminated lines with one pooled buffer that is reused for the whole file, so
/// memory depends on the longest line (up to <see cref="MaxLineBytes"/>), never on the file size. A trailing
/// <c>\r</c> stays in the span (the caller decides what CRLF means).
/// </summary>
public sealed class JsonlLineReader : IDisposable
{
    public const int DefaultMaxLineBytes = 32 * 1024 * 1024;
    private const int InitialBufferBytes = 1024 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _scanned;
    private int _end;
    private bool _endOfStream;

    public JsonlLineReader(Stream stream, int maxLineBytes = DefaultMaxLineBytes)
    {
        _stream = stream;
        MaxLineBytes = maxLineBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferBytes, maxLineBytes));
    }

    public int MaxLineBytes { get; }

    /// <summary>1-based number of the line last returned.</summary>
    public int LineNumber { get; private set; }

    /// <summary>The length in bytes of the line last returned, also when it was <see cref="LineEnd.TooLong"/>.</summary>
    public long LineLength { get; private set; }

    /// <summary>Opens a file with no checks: benchmarks only; checkout files go through CheckoutFile (see DatasetScanner).</summary>
    public static JsonlLineReader OpenFile(string path, int maxLineBytes = DefaultMaxLineBytes) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan),
            maxLineBytes);

    /// <summary>The next line without its <c>\n</c>; false at the end of the stream.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line, out LineEnd end)
    {
        long skipped = 0;
        while (true)
        {
            var newline = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var lineEnd = _scanned + newline;
                LineNumber++;
                LineLength = skipped + lineEnd - _start;
                end = skipped > 0 ? LineEnd.TooLong : LineEnd.Newline;
                line = skipped > 0 ? default : _buffer.AsSpan(_start, lineEnd - _start);
                _start = _scanned = lineEnd + 1;
                return true;
            }

            _scanned = _end;
            if (_endOfStream)
            {
                if (_start == _end && skipped == 0)
                {
                    line = default;
                    end = LineEnd.EndOfFile;
                    return false;
                }

                LineNumber++;
                LineLength = skipped + _end - _start;
                end = skipped > 0 ? LineEnd.TooLong : LineEnd.EndOfFile;
                line = skipped > 0 ? default : _buffer.AsSpan(_start, _end - _start);
                _start = _scanned = _end;
                return true;
            }

            if (_end - _start >= MaxLineBytes)
            {
                // The line is over the limit: forget what we have of it and keep looking for its end.
                skipped += _end - _start;
                _start = _scanned = _end = 0;
            }

            MakeRoom();
            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _endOfStream = true;
            }

            _end += read;
        }
    }

    /// <summary>Moves the unfinished line to the front of the buffer, or grows the buffer when the line fills it.</summary>
    private void MakeRoom()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _scanned -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // Here the line fills the whole buffer and is shorter than MaxLineBytes, so this grows it.
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, MaxLineBytes));
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
