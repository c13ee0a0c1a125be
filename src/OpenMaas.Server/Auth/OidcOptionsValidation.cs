using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace OpenMaas.Server.Auth;

/// <summary>Checks every provider at once and reports every problem (names, URLs, HTTPS off loopback, client ids).</summary>
internal sealed partial class OidcOptionsValidation : IValidateOptions<OidcOptions>
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex ProviderName();

    public ValidateOptionsResult Validate(string? name, OidcOptions options)
    {
        var errors = new List<string>();
        foreach (var (provider, p) in options.Providers)
        {
            var at = $"{OidcOptions.Section}:Providers:{provider}";
            if (!ProviderName().IsMatch(provider))
            {
                errors.Add($"{at}: a provider's name is 1 to 32 lowercase letters, digits and '-'.");
            }

            if (!Uri.TryCreate(p.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            {
                errors.Add($"{at}:Authority: '{p.Authority}' is not an http(s) URL.");
            }
            else if (authority.Scheme == "http" && !authority.IsLoopback)
            {
                errors.Add($"{at}:Authority: '{p.Authority}' must use https (plain http is allowed on loopback only).");
            }

            if (string.IsNullOrWhiteSpace(p.ClientId))
            {
                errors.Add($"{at}:ClientId is required.");
            }

            if (string.IsNullOrWhiteSpace(p.NameClaim))
            {
                errors.Add($"{at}:NameClaim must name a claim.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
