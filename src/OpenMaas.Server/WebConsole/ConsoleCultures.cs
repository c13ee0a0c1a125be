using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace OpenMaas.Server.WebConsole;

/// <summary>English and Simplified Chinese, from the language cookie, else <c>Accept-Language</c>.</summary>
internal static class ConsoleCultures
{
    public const string CookieName = "openmaas_lang";
    public const string English = "en";
    public const string Chinese = "zh-Hans";

    public static IReadOnlyList<CultureInfo> Supported { get; } = [new(English), new(Chinese)];

    public static RequestLocalizationOptions Options()
    {
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(English),
            SupportedCultures = [.. Supported],
            SupportedUICultures = [.. Supported],
            FallBackToParentCultures = true,
            FallBackToParentUICultures = true,
        };
        options.RequestCultureProviders =
        [
            new CookieRequestCultureProvider { CookieName = CookieName },
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
        return options;
    }

    public static bool IsSupported(string? name) => name is English or Chinese;

    public static string Current => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal) ? Chinese : English;
}
