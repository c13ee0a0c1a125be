using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace OpenMaas.Core.Catalog;

/// <summary>Validates ModelScope-style model IDs: <c>owner/name</c>, letters, digits, <c>-_.</c>.</summary>
public static partial class ModelId
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}/[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$")]
    private static partial Regex Pattern();

    public static bool IsValid([NotNullWhen(true)] string? id) => id is not null && Pattern().IsMatch(id) && !id.Contains("..", StringComparison.Ordinal);
}
