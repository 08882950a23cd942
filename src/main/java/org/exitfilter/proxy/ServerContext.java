package org.exitfilter.proxy;

import io.netty.channel.group.ChannelGroup;
import java.util.function.Supplier;
import org.exitfilter.config.Limits;
import org.exitfilter.match.Matcher;

/**
 * What every connection of one server shares: settings fixed at start, the source of blocklist
 * snapshots, the resolver and the set of open channels. Immutable; safe on every event loop.
 */
record ServerContext(
    Limits limits,
    Supplier<Matcher> matchers,
    DestinationGuard guard,
    DestinationResolver resolver,
    OwnPages pages,
    Transport transport,
    ChannelGroup channels,
    RequestChecks checks,
    ProxyObserver observer,
    TunnelStart tunnelStart) {}
