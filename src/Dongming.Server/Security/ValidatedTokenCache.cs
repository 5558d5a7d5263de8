using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;

namespace Dongming.Server.Security;

/// <summary>
/// Remembers tokens the inner handler found valid, keyed by the token's text, so a caller who sends the same token on
/// every call pays for its signature and claims check once. An entry is used only before the token's expiry
/// (<c>exp</c>, without the clock skew the validation allows: a token in its skew is validated again, from scratch);
/// tokens that fail are never kept, so every refusal gives its reason as before. Bounded: when full, expired entries
/// are dropped, and if that frees nothing the cache starts empty again.
/// </summary>
public sealed class ValidatedTokenCache(TokenHandler inner, int capacity, TimeProvider? clock = null) : TokenHandler
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Tokens kept now.</summary>
    public int Count => _entries.Count;

    private sealed record Entry(TokenValidationResult Result, DateTime ValidToUtc);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        // The parameters are fixed at start (an authority's keys aside: a token whose signature checked out stays valid
        // until its expiry, as it would for a client that holds it).
        if (_entries.TryGetValue(token, out var hit) && now < hit.ValidToUtc)
            return Copy(hit.Result);

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (!result.IsValid || result.SecurityToken is null || result.ClaimsIdentity is null || capacity <= 0) return result;
        var validTo = result.SecurityToken.ValidTo;
        if (validTo == DateTime.MinValue || validTo <= now) return result; // no expiry, or only valid within the skew
        if (_entries.Count >= capacity) Trim(now);
        _entries[token] = new Entry(Copy(result), validTo);
        return result;
    }

    /// <summary>Each caller gets its own identity: nothing done to one request's principal reaches another's.</summary>
    private static TokenValidationResult Copy(TokenValidationResult r) => new()
    {
        IsValid = true,
        ClaimsIdentity = r.ClaimsIdentity.Clone(),
        SecurityToken = r.SecurityToken,
        Issuer = r.Issuer,
        TokenType = r.TokenType,
        TokenContext = r.TokenContext,
    };

    private void Trim(DateTime now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.ValidToUtc <= now) _entries.TryRemove(key, out _);
        }
        if (_entries.Count >= capacity) _entries.Clear();
    }

    /// <summary>
    /// The identity of a token this cache holds and that has not expired (a clone: each request its own), for
    /// <see cref="BearerShortcut"/>; false for any other token, which then goes through the bearer handler.
    /// </summary>
    public bool TryGetIdentity(string token, out ClaimsIdentity identity)
    {
        identity = null!;
        if (!_entries.TryGetValue(token, out var hit) || _clock.GetUtcNow().UtcDateTime >= hit.ValidToUtc) return false;
        identity = hit.Result.ClaimsIdentity.Clone();
        return true;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    public override int MaximumTokenSizeInBytes { get => inner.MaximumTokenSizeInBytes; set => inner.MaximumTokenSizeInBytes = value; }
}
