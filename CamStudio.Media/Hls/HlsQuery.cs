namespace CamStudio.Media.Hls;

/// <summary>A blocking playlist reload request (RFC 8216bis §6.2.5.2): wait for segment <paramref name="Msn"/>, or for its part <paramref name="Part"/>.</summary>
public readonly record struct HlsBlockingRequest(long Msn, int? Part);

/// <summary>
/// Parses the <c>_HLS_msn</c> and <c>_HLS_part</c> playlist query directives (RFC 8216bis §6.2.5.2). The HTTP layer
/// passes the raw values (null when the directive is absent) and turns a false result into 400 Bad Request with the
/// reason. It must itself refuse a directive given more than once (StringValues.Count &gt; 1) before calling this.
/// </summary>
public static class HlsQuery
{
    /// <summary>
    /// True with <paramref name="request"/> null when neither directive is present (an ordinary playlist request), true
    /// with a request when the values are valid decimal integers, false with a reason otherwise — including
    /// <c>_HLS_part</c> without <c>_HLS_msn</c>, which §6.2.5.2 says MUST get 400.
    /// </summary>
    public static bool TryParse(string? hlsMsn, string? hlsPart, out HlsBlockingRequest? request, out string? reason)
    {
        request = null;
        reason = null;
        if (hlsMsn is null)
        {
            if (hlsPart is not null)
            {
                reason = "_HLS_part requires _HLS_msn";
                return false;
            }

            return true;
        }

        if (!HlsDecimal.TryParseInt64(hlsMsn, out long msn))
        {
            reason = "_HLS_msn must be a non-negative decimal integer without leading zeros";
            return false;
        }

        int? part = null;
        if (hlsPart is not null)
        {
            if (!HlsDecimal.TryParseInt32(hlsPart, out int parsedPart))
            {
                reason = "_HLS_part must be a non-negative decimal integer without leading zeros";
                return false;
            }

            part = parsedPart;
        }

        request = new HlsBlockingRequest(msn, part);
        return true;
    }
}
