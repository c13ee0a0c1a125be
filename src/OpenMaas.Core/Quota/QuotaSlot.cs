namespace OpenMaas.Core.Quota;

/// <summary>One pool's counts on one day: units, and requests and tokens of the current minute window. The checks and
/// counts every counter shares (in-process; the Redis script applies the same rules).</summary>
internal struct QuotaSlot
{
    public int Units;
    public long Minute;
    public int Requests;
    public long Tokens;

    public readonly int RequestsIn(long minute) => Minute == minute ? Requests : 0;

    public readonly long TokensIn(long minute) => Minute == minute ? Tokens : 0;

    /// <summary>The verdict on spending <paramref name="cost"/> here: <see cref="QuotaVerdict.Admitted"/> when it fits
    /// every limit of <paramref name="limits"/>, else the first limit it breaks.</summary>
    public readonly QuotaVerdict Check(PoolLimits limits, in CallCost cost, QuotaVerdict daily)
    {
        if (limits.Daily is { } d && (long)Units + cost.Units > d)
        {
            return daily;
        }

        if (cost.Minute == 0)
        {
            return QuotaVerdict.Admitted;
        }

        if (limits.Rpm is { } rpm && (long)RequestsIn(cost.Minute) + 1 > rpm)
        {
            return QuotaVerdict.RequestRateReached;
        }

        return limits.Tpm is { } tpm && TokensIn(cost.Minute) + cost.Tokens > tpm ? QuotaVerdict.TokenRateReached : QuotaVerdict.Admitted;
    }

    public void Count(PoolLimits limits, in CallCost cost)
    {
        Units += cost.Units;
        if (cost.Minute != 0 && limits.PerMinute)
        {
            if (Minute != cost.Minute)
            {
                (Minute, Requests, Tokens) = (cost.Minute, 0, 0);
            }

            Requests++;
            Tokens += cost.Tokens;
        }
    }

    /// <summary>Gives back what <see cref="Count"/> took (the minute's share only while that minute is current).</summary>
    public void Refund(PoolLimits limits, in CallCost cost)
    {
        Units = Math.Max(0, Units - cost.Units);
        if (cost.Minute != 0 && limits.PerMinute && Minute == cost.Minute)
        {
            Requests = Math.Max(0, Requests - 1);
            Tokens = Math.Max(0, Tokens - cost.Tokens);
        }
    }

    public void Settle(PoolLimits limits, in CallCost cost, int actualTokens)
    {
        if (cost.Minute != 0 && limits.PerMinute && Minute == cost.Minute)
        {
            Tokens = Math.Max(0, Tokens + actualTokens - cost.Tokens);
        }
    }

    /// <summary>Adds requests and tokens found in the usage log to the minute window <paramref name="minute"/> (startup
    /// rebuild).</summary>
    public void SeedMinute(long minute, int requests, long tokens)
    {
        if (Minute != minute)
        {
            (Minute, Requests, Tokens) = (minute, 0, 0);
        }

        Requests += requests;
        Tokens += tokens;
    }

    /// <summary>Folds this pool's minute window (after counting) into the tightest one seen so far.</summary>
    public readonly void Tighten(PoolLimits limits, long minute, ref MinuteWindow window)
    {
        if (limits.Rpm is { } rpm && (window.RequestLimit is null || rpm - RequestsIn(minute) < window.RequestsRemaining))
        {
            window = window with { RequestLimit = rpm, RequestsRemaining = Math.Max(0, rpm - RequestsIn(minute)) };
        }

        if (limits.Tpm is { } tpm && (window.TokenLimit is null || tpm - TokensIn(minute) < window.TokensRemaining))
        {
            window = window with { TokenLimit = tpm, TokensRemaining = Math.Max(0, tpm - TokensIn(minute)) };
        }
    }
}
