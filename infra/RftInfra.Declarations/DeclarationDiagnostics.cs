using RftInfra.Diagnostics;
using RftInfra.Files;
using RftInfra.Text;
using static RftInfra.Diagnostics.DiagnosticSeverity;

namespace RftInfra.Declarations;

/// <summary>Declaration files, references and grader ↔ data checks, RFT3xx.</summary>
public static class DeclarationDiagnostics
{
    public static readonly DiagnosticDescriptor SyntaxErrorDescriptor = new("RFT300", Error,
        "JSON or YAML syntax error", "Fix the syntax at the position shown.");
    public static readonly DiagnosticDescriptor FileUnreadableDescriptor = new("RFT301", Error,
        "Declaration file cannot be read", "Check that the file exists and is readable.");
    public static readonly DiagnosticDescriptor EmptyFileDescriptor = new("RFT302", Error,
        "Declaration file is empty", "Write the job or grader object into the file, or delete it.");
    public static readonly DiagnosticDescriptor DuplicateKeyDescriptor = new("RFT303", Error,
        "The same key appears twice in one object", "Keep one of the two; the last one would silently win.");
    public static readonly DiagnosticDescriptor NoJobsDescriptor = new("RFT304", Warning,
        "No job files found", "Run rft validate from the checkout root (or pass --root), and keep jobs in jobs/*.yaml|json.");
    public static readonly DiagnosticDescriptor NotRegularFileDescriptor = new("RFT305", Error,
        "Path is not a regular file inside the checkout", "Point at a regular file inside the repository (no FIFOs, devices, directories, '..' or links leading out); see docs/limits.md.");
    public static readonly DiagnosticDescriptor FileTooLargeToReadDescriptor = new("RFT306", Error,
        "File is over the size the reader accepts", "Make the file smaller than the limit for its kind; see docs/limits.md.");
    public static readonly DiagnosticDescriptor InvalidUtf8Descriptor = new("RFT307", Error,
        "File is not valid UTF-8", "Save the file as UTF-8 (re-encode it, or remove the byte shown); see docs/limits.md.");
    public static readonly DiagnosticDescriptor YamlTooLargeDescriptor = new("RFT308", Error,
        "YAML aliases expand past the node limit", "Write the values out instead of repeating anchors (a declaration needs few aliases, if any); see docs/limits.md.");
    public static readonly DiagnosticDescriptor YamlUnsupportedDescriptor = new("RFT309", Error,
        "YAML feature not supported in declarations", "Use plain YAML data: no tags, merge keys ('<<'), or lists and mappings as keys; see docs/limits.md.");
    public static readonly DiagnosticDescriptor GraderNotFoundDescriptor = new("RFT310", Error,
        "Job references a grader that does not exist", "Name a file of graders/ without its extension, or write the grader inline.");
    public static readonly DiagnosticDescriptor DataFileNotFoundDescriptor = new("RFT311", Error,
        "Job references a data file that does not exist", "Give the path of a JSONL file relative to the repository root, e.g. data/train.jsonl.");
    public static readonly DiagnosticDescriptor DuplicateJobNameDescriptor = new("RFT312", Error,
        "Two jobs have the same name", "Give each job a unique name: the name identifies the job in Azure and in Pulumi.");
    public static readonly DiagnosticDescriptor DuplicateGraderNameDescriptor = new("RFT313", Error,
        "Two grader files have the same name", "Rename one of them: jobs refer to graders by file name.");
    public static readonly DiagnosticDescriptor ItemKeyMissingDescriptor = new("RFT320", Error,
        "Grader reads an item key that rows lack", "Rename the template variable to a key the rows have, or add the key to every row.");
    public static readonly DiagnosticDescriptor OutputJsonWithoutFormatDescriptor = new("RFT321", Error,
        "Grader reads sample.output_json but the job has no response_format", "Add a json_schema response_format to the job, or read sample.output_text.");
    public static readonly DiagnosticDescriptor OutputJsonNotInSchemaDescriptor = new("RFT322", Error,
        "Grader reads a sample.output_json property the response schema does not define", "Use a property of the job's response_format schema, or add it to the schema.");

    public static IReadOnlyList<DiagnosticDescriptor> All =>
    [
        SyntaxErrorDescriptor, FileUnreadableDescriptor, EmptyFileDescriptor, DuplicateKeyDescriptor, NoJobsDescriptor,
        NotRegularFileDescriptor, FileTooLargeToReadDescriptor, InvalidUtf8Descriptor, YamlTooLargeDescriptor, YamlUnsupportedDescriptor,
        GraderNotFoundDescriptor,
        DataFileNotFoundDescriptor, DuplicateJobNameDescriptor, DuplicateGraderNameDescriptor, ItemKeyMissingDescriptor,
        OutputJsonWithoutFormatDescriptor, OutputJsonNotInSchemaDescriptor,
    ];

    public static Diagnostic SyntaxError(string file, SourcePosition at, string message, string hint) =>
        SyntaxErrorDescriptor.Create(file, at, message, hint);

    public static Diagnostic FileUnreadable(string file, string reason) =>
        FileUnreadableDescriptor.Create(file, SourcePosition.None, $"Cannot read the file: {reason}");

    /// <summary>A file <see cref="CheckoutFile"/> did not read, as the finding for its reason.</summary>
    public static Diagnostic FileRefused(string file, FileProblem problem) => problem.Kind switch
    {
        FileRefusal.NotRegular or FileRefusal.OutsideRoot => NotRegularFileDescriptor.Create(file, SourcePosition.None, $"Not read: {problem.Message}"),
        FileRefusal.TooLarge => FileTooLargeToReadDescriptor.Create(file, SourcePosition.None, $"Not read: {problem.Message}"),
        FileRefusal.InvalidUtf8 => InvalidUtf8Descriptor.Create(file, problem.Position, $"The file is not valid UTF-8: {problem.Message}"),
        _ => FileUnreadable(file, problem.Message),
    };

    /// <summary>A job's <paramref name="field"/> names a file that is not read (the finding is on the job's field).</summary>
    public static Diagnostic DataFileRefused(string file, SourcePosition at, string field, string path, FileProblem problem) => problem.Kind switch
    {
        FileRefusal.Missing => DataFileNotFound(file, at, field, path),
        FileRefusal.TooLarge => FileTooLargeToReadDescriptor.Create(file, at, $"{field} '{path}' is not read: {problem.Message}"),
        FileRefusal.Unreadable => FileUnreadableDescriptor.Create(file, at, $"{field} '{path}' cannot be read: {problem.Message}"),
        _ => NotRegularFileDescriptor.Create(file, at, $"{field} '{path}' is not read: {problem.Message}"),
    };

    public static Diagnostic YamlTooLarge(string file, SourcePosition at, int maxNodes) =>
        YamlTooLargeDescriptor.Create(file, at, $"The YAML's aliases expand to more than {maxNodes:N0} values; reading stopped here.");

    public static Diagnostic YamlUnsupported(string file, SourcePosition at, string message, string hint) =>
        YamlUnsupportedDescriptor.Create(file, at, message, $"{hint} See docs/limits.md.");

    public static Diagnostic EmptyFile(string file) =>
        EmptyFileDescriptor.Create(file, SourcePosition.None, "The file is empty.");

    public static Diagnostic DuplicateKey(string file, SourcePosition at, string key) =>
        DuplicateKeyDescriptor.Create(file, at, $"Key '{key}' appears more than once in the same object.");

    public static Diagnostic NoJobs(string directory) =>
        NoJobsDescriptor.Create(directory, SourcePosition.None, "No job files (*.yaml, *.yml, *.json) found in jobs/: nothing was validated against data.");

    public static Diagnostic GraderNotFound(string file, SourcePosition at, string name, IReadOnlyList<string> available) =>
        GraderNotFoundDescriptor.Create(file, at,
            $"Grader '{name}' not found in graders/.{EditDistance.DidYouMean(name, available)}",
            available.Count == 0 ? null : $"Graders available: {string.Join(", ", available)}.");

    public static Diagnostic DataFileNotFound(string file, SourcePosition at, string field, string path) =>
        DataFileNotFoundDescriptor.Create(file, at, $"{field} '{path}' does not exist.");

    public static Diagnostic DuplicateJobName(string file, SourcePosition at, string name, string otherFile) =>
        DuplicateJobNameDescriptor.Create(file, at, $"Job name '{name}' is also used by {otherFile}.");

    public static Diagnostic DuplicateGraderName(string file, string name, string otherFile) =>
        DuplicateGraderNameDescriptor.Create(file, SourcePosition.None, $"Grader '{name}' is also declared by {otherFile}.");

    /// <summary>The seed's pitfall: <c>{{item.capital}}</c> while the rows have <c>reference_answer</c>: every reward would be 0.</summary>
    public static Diagnostic ItemKeyMissing(
        string graderFile, SourcePosition at, string variable, string dataFile, int missing, int rows,
        IReadOnlyList<int> firstLines, IReadOnlyList<string> rowKeys)
    {
        var key = variable.StartsWith("item.", StringComparison.Ordinal) ? variable[5..] : variable;
        var topKey = key.Split('.', '[')[0];
        var userKeys = rowKeys.Where(k => k != "messages" && k != "tools").ToList();
        var closest = EditDistance.Closest(topKey, userKeys) ?? (userKeys.Count == 1 ? userKeys[0] : null);
        var hint = userKeys.Count == 0
            ? $"The rows have no keys besides messages; add '{topKey}' to every row of {dataFile}."
            : $"The rows have keys: {string.Join(", ", rowKeys)}. "
              + (closest is not null ? $"Use {{{{item.{closest}}}}}, or add '{topKey}' to every row." : $"Read one of those keys (e.g. {{{{item.{userKeys[0]}}}}}), or add '{topKey}' to every row.");
        return ItemKeyMissingDescriptor.Create(graderFile, at,
            $"{{{{{variable}}}}} is missing from {missing} of {rows} rows of {dataFile} (first at lines {DiagnosticDescriptor.FormatLines(firstLines, missing)}); the grader would score those rows 0.",
            hint);
    }

    public static Diagnostic OutputJsonWithoutFormat(string graderFile, SourcePosition at, string variable, string jobFile) =>
        OutputJsonWithoutFormatDescriptor.Create(graderFile, at,
            $"{{{{{variable}}}}} is read, but job {jobFile} has no response_format, so sample.output_json is never filled.");

    public static Diagnostic OutputJsonNotInSchema(string graderFile, SourcePosition at, string variable, string jobFile, IReadOnlyList<string> properties) =>
        OutputJsonNotInSchemaDescriptor.Create(graderFile, at,
            $"{{{{{variable}}}}} is not defined by the response_format schema of {jobFile}.{EditDistance.DidYouMean(variable.Split('.').Last(), properties)}",
            properties.Count == 0 ? null : $"Properties at that level: {string.Join(", ", properties)}.");
}
