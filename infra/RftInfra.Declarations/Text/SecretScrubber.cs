using System.Collections;
using System.Text.RegularExpressions;

namespace RftInfra.Text;

/// <summary>
/// Replaces known secret values in text that came from user code (a grader's exception, its stderr) before it
/// reaches findings, SARIF or the console: the values of this process's environment variables whose names say
/// they hold a secret (…KEY, …TOKEN, …SECRET, …PASSWORD, …CREDENTIAL(S), connection strings, SAS).
/// </summary>
public static partial class SecretScrubber
{
    public const string Mask = "***";

    /// <summary>Shorter values are not masked: they would mask ordinary words.</summary>
    public const int MinLength = 8;

    /// <summary>Masks the secret values of this process's environment (read each time: it is small, and it can change).</summary>
    public static string Scrub(string text) => text.Length < MinLength ? text : Scrub(text, SecretValues(Environment.GetEnvironmentVariables()));

    public static string Scrub(string text, IReadOnlyCollection<string> secrets)
    {
        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>The values to mask from a set of environment variables, longest first (a value inside another).</summary>
    public static string[] SecretValues(IDictionary variables)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in variables)
        {
            if (entry.Key is string name && entry.Value is string value && value.Trim().Length >= MinLength && IsSecretName(name))
            {
                values.Add(value);
                values.Add(value.Trim());
            }
        }

        return [.. values.OrderByDescending(v => v.Length).ThenBy(v => v, StringComparer.Ordinal)];
    }

    public static bool IsSecretName(string name) => SecretName().IsMatch(name);

    [GeneratedRegex(@"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|CONNECTION_?STRING|SAS|PAT|AUTH)(_|$)|^(ARM|AZURE)_CLIENT_", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}
