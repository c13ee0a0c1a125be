using System.Globalization;

namespace OpenMaas.Core;

/// <summary>An input a domain rule refuses: the field it concerns and why. The reason is a composite-format template
/// with its arguments, so the console translates the template while the CLI and <c>/api/v1</c> print
/// <see cref="Message"/>.</summary>
public sealed record RuleViolation(string Field, string Template, params object?[] Args)
{
    public string Message => string.Format(CultureInfo.InvariantCulture, Template, Args);
}

/// <summary>Thrown by a domain service handed what a rule refuses (a front end checks the rule first and says why).</summary>
public sealed class RuleViolationException(RuleViolation violation) : ArgumentException(violation.Message, violation.Field)
{
    public RuleViolation Violation => violation;

    public override string Message => violation.Message;

    /// <summary>Throws when <paramref name="violation"/> is not null.</summary>
    public static void ThrowIf(RuleViolation? violation)
    {
        if (violation is not null)
        {
            throw new RuleViolationException(violation);
        }
    }
}
