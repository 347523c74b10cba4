namespace RftInfra.Templates;

/// <summary>A piece of a template: literal text, or a <c>{{ variable }}</c> with its path.</summary>
public abstract record TemplatePart(int Offset, int Length);

public sealed record LiteralPart(string Text, int Offset, int Length) : TemplatePart(Offset, Length);

/// <summary>
/// <c>{{ item.answer }}</c>. <see cref="Raw"/> is the text between the braces as written; <see cref="HasSpaces"/>
/// flags whitespace inside the braces (docs/service.md §3.1: sources disagree whether the service accepts it).
/// </summary>
public sealed record VariablePart(ValuePath Path, string Raw, bool HasSpaces, int Offset, int Length)
    : TemplatePart(Offset, Length);

public enum TemplateErrorKind
{
    /// <summary><c>{{</c> never closed, or <c>}}</c> never opened.</summary>
    UnbalancedBraces,

    /// <summary>A namespace other than <c>item</c> or <c>sample</c>.</summary>
    UnknownNamespace,

    /// <summary>Empty braces or a malformed path (<c>item.</c>, <c>item[x</c>, <c>item..a</c>).</summary>
    BadPath,

    /// <summary>Longer than <see cref="TemplateParser.MaxLength"/>: not parsed.</summary>
    TooLong,
}

/// <summary>A syntax problem at a character offset of the template text.</summary>
public sealed record TemplateError(TemplateErrorKind Kind, int Offset, string Text, string Message);

/// <summary>A parsed template: its parts in order and any syntax errors (a template with errors still has parts).</summary>
public sealed record Template(string Text, IReadOnlyList<TemplatePart> Parts, IReadOnlyList<TemplateError> Errors)
{
    public IEnumerable<VariablePart> Variables => Parts.OfType<VariablePart>();

    public bool HasVariables => Parts.Any(p => p is VariablePart);
}
