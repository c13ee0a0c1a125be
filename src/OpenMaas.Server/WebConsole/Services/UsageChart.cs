using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace OpenMaas.Server.WebConsole.Services;

/// <summary>The 30-day bar chart of calls as inline SVG, drawn on the server (no script, no inline style).</summary>
internal static class UsageChart
{
    private const int Width = 720;
    private const int Height = 180;
    private const int Bottom = 24;
    private const int Top = 14;

    public sealed record Bar(DateOnly Day, int Calls);

    /// <param name="bars">The bars, one per day.</param>
    /// <param name="label">The chart's accessible name.</param>
    /// <param name="callsTitle">Tooltip format, e.g. <c>{0}: {1} calls</c>.</param>
    public static IHtmlContent Render(IReadOnlyList<Bar> bars, string label, string callsTitle)
    {
        var max = Math.Max(1, bars.Count == 0 ? 1 : bars.Max(b => b.Calls));
        var slot = (double)Width / Math.Max(1, bars.Count);
        var plot = Height - Bottom - Top;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{WebUtility.HtmlEncode(label)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"0\" y1=\"{Height - Bottom}\" x2=\"{Width}\" y2=\"{Height - Bottom}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"max\" x=\"2\" y=\"10\">{max}</text>");
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var h = bar.Calls == 0 ? 0 : Math.Max(2, plot * bar.Calls / (double)max);
            var x = (i * slot) + (slot * 0.15);
            var title = string.Format(CultureInfo.CurrentCulture, callsTitle, bar.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), bar.Calls);
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"bar\" x=\"{x:0.##}\" y=\"{Height - Bottom - h:0.##}\" width=\"{slot * 0.7:0.##}\" height=\"{h:0.##}\"><title>{WebUtility.HtmlEncode(title)}</title></rect>");
            if (i % 5 == 0 || i == bars.Count - 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"day\" x=\"{x:0.##}\" y=\"{Height - 6}\">{bar.Day:MM-dd}</text>");
            }
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    /// <summary>One bar per day for the <paramref name="days"/> days ending today (days without calls at zero).</summary>
    public static IReadOnlyList<Bar> Days(DateOnly today, int days, IEnumerable<(DateOnly Day, int Calls)> counts)
    {
        var byDay = counts.ToDictionary(c => c.Day, c => c.Calls);
        return [.. Enumerable.Range(0, days).Select(i => today.AddDays(i - days + 1)).Select(d => new Bar(d, byDay.GetValueOrDefault(d)))];
    }
}
