using System.Text.Json;
using System.Text.RegularExpressions;

namespace RftInfra.Json;

/// <summary>
/// A JSON syntax error in our words. System.Text.Json's messages speak to programmers ("…not supported in this mode.
/// Change the reader options.", "LineNumber: 0 | BytePositionInLine: 8."): the user cannot change our reader's options,
/// and we give line and column ourselves. Known messages are rewritten; any other keeps the reader's first sentence(s)
/// without the position tail or advice about options.
/// </summary>
public static partial class JsonSyntaxMessage
{
    public static string From(JsonException exception) => From(exception.Message);

    public static string From(string readerMessage)
    {
        var message = WithoutPosition(readerMessage);
        if (message.Contains("trailing comma", StringComparison.Ordinal))
        {
            var closing = message.Contains("JSON array", StringComparison.Ordinal) ? "]" : "}";
            return $"a comma before the closing '{closing}' (JSON allows no comma after the last item)";
        }

        if (InvalidAfterSingleValue().Match(message) is { Success: true } after)
        {
            return $"'{after.Groups[1].Value}' after the end of the JSON value (one JSON value per line; nothing may follow it)";
        }

        if (InvalidPropertyNameStart().Match(message) is { Success: true } name)
        {
            return name.Groups[1].Value == "'"
                ? "a property name in single quotes (JSON takes double quotes: \"name\")"
                : $"a property name that does not start with '\"' (found '{name.Groups[1].Value}'; JSON names are in double quotes)";
        }

        if (InvalidStartOfValue().Match(message) is { Success: true } start)
        {
            return start.Groups[1].Value switch
            {
                "/" => "a comment (JSON has no comments)",
                "'" => "a string in single quotes (JSON takes double quotes)",
                "N" or "I" => "NaN or Infinity (not JSON numbers; write a number or null)",
                "T" or "F" => "True or False (JSON writes true, false and null in lower case)",
                "0x00" => "a NUL byte where a value should start",
                var c => $"'{c}' where a value should start (a string in double quotes, a number, true, false, null, an object or an array)",
            };
        }

        if (InvalidAfterValue().Match(message) is { Success: true } next)
        {
            return next.Groups[1].Value == "/"
                ? "a comment (JSON has no comments)"
                : $"'{next.Groups[1].Value}' after a value where ',' or the closing '}}' or ']' should be (a missing comma?)";
        }

        return message.Replace(" Change the reader options.", "", StringComparison.Ordinal)
            .Replace(" which is not supported in this mode", "", StringComparison.Ordinal)
            .TrimEnd('.');
    }

    /// <summary>Drops the reader's " LineNumber: n | BytePositionInLine: n." tail (and a trailing " Path: …").</summary>
    private static string WithoutPosition(string message)
    {
        var tail = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (tail < 0)
        {
            tail = message.IndexOf(" Path: ", StringComparison.Ordinal);
        }

        return (tail > 0 ? message[..tail] : message).TrimEnd(' ', '|');
    }

    [GeneratedRegex(@"^'(.+?)' is invalid after a single JSON value")]
    private static partial Regex InvalidAfterSingleValue();

    [GeneratedRegex(@"^'(.+?)' is an invalid start of a property name")]
    private static partial Regex InvalidPropertyNameStart();

    [GeneratedRegex(@"^'(.+?)' is an invalid start of a value")]
    private static partial Regex InvalidStartOfValue();

    [GeneratedRegex(@"^'(.+?)' is invalid after a value")]
    private static partial Regex InvalidAfterValue();
}
