#ifndef FERRY_CLIBUV_SHIM_H
#define FERRY_CLIBUV_SHIM_H
// libuv for FerryLoop. Macros that Swift cannot import, and the socket-address juggling that is
// clumsy in Swift (casting between sockaddr variants, byte order), become small static inline
// functions here. Only FerryLoop imports this module.
#include <uv.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <net/if.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>

/// The interface index an IPv6 scope names: an interface name (`eth0`) or a decimal index (`2`).
/// Returns 0 for an empty or malformed scope, UV_ENODEV (negative) for no such interface.
static inline long ferry_uv_scope_index(const char *scope) {
    if (*scope == '\0') return 0;
    if (strspn(scope, "0123456789") == strlen(scope)) {
        if (strlen(scope) > 10) return 0;
        unsigned long long index = strtoull(scope, NULL, 10);
        char name[IF_NAMESIZE];
        if (index == 0 || index > 0xffffffffULL) return 0;
        return if_indextoname((unsigned)index, name) != NULL ? (long)index : UV_ENODEV;
    }
    if (strlen(scope) >= IF_NAMESIZE) return UV_ENODEV;
    unsigned index = if_nametoindex(scope);
    return index != 0 ? (long)index : UV_ENODEV;
}

/// Parses an IP literal into `out`: IPv6 when the text contains ':', IPv4 otherwise. An IPv6
/// literal may carry a scope after '%' (`fe80::1%eth0`, `fe80::1%2`), which becomes
/// `sin6_scope_id`; libuv's own parsing takes names only and silently drops one it does not know,
/// so a typo would dial the wrong link. Returns 0 or a negative libuv error code (UV_EINVAL for
/// text that is not an address or an empty scope, UV_ENODEV for a scope naming no interface).
static inline int ferry_uv_parse_address(const char *host, int port, struct sockaddr_storage *out) {
    memset(out, 0, sizeof *out);
    const char *percent = strchr(host, '%');
    if (strchr(host, ':') == NULL) {
        if (percent != NULL) return UV_EINVAL;
        return uv_ip4_addr(host, port, (struct sockaddr_in *)out);
    }
    if (percent == NULL) return uv_ip6_addr(host, port, (struct sockaddr_in6 *)out);
    char address[INET6_ADDRSTRLEN];
    size_t length = (size_t)(percent - host);
    if (length == 0 || length >= sizeof address) return UV_EINVAL;
    memcpy(address, host, length);
    address[length] = '\0';
    long scope = ferry_uv_scope_index(percent + 1);
    if (scope == 0) return UV_EINVAL;
    if (scope < 0) return (int)scope;
    int status = uv_ip6_addr(address, port, (struct sockaddr_in6 *)out);
    if (status != 0) return status;
    ((struct sockaddr_in6 *)out)->sin6_scope_id = (uint32_t)scope;
    return 0;
}

/// The sockaddr view of an address, for libuv calls that take `const struct sockaddr *`.
static inline const struct sockaddr *ferry_uv_sockaddr(const struct sockaddr_storage *address) {
    return (const struct sockaddr *)address;
}

/// Mutable sockaddr view, for getsockname/getpeername.
static inline struct sockaddr *ferry_uv_sockaddr_mutable(struct sockaddr_storage *address) {
    return (struct sockaddr *)address;
}

/// Writes the numeric host (NUL-terminated; an IPv6 address with a scope gets `%interface`) into `host` and the port in host byte order into
/// `port`. Returns 0, or UV_EAFNOSUPPORT for anything but IPv4/IPv6, or a libuv error.
/// Takes a plain sockaddr because that is what libuv's UDP receive callback hands over.
static inline int ferry_uv_sockaddr_name(const struct sockaddr *address,
                                         char *host, size_t host_size, unsigned short *port) {
    if (address->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
        *port = ntohs(v4->sin_port);
        return uv_ip4_name(v4, host, host_size);
    }
    if (address->sa_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;
        *port = ntohs(v6->sin6_port);
        int status = uv_ip6_name(v6, host, host_size);
        if (status != 0 || v6->sin6_scope_id == 0) return status;
        // The scope, so a link-local address can be dialled back: the interface name, or the
        // index if the interface is gone.
        char name[IF_NAMESIZE];
        size_t used = strlen(host);
        int written = if_indextoname(v6->sin6_scope_id, name) != NULL
            ? snprintf(host + used, host_size - used, "%%%s", name)
            : snprintf(host + used, host_size - used, "%%%u", (unsigned)v6->sin6_scope_id);
        return written > 0 && (size_t)written < host_size - used ? 0 : UV_ENOSPC;
    }
    return UV_EAFNOSUPPORT;
}

/// `ferry_uv_sockaddr_name` for a sockaddr_storage filled by getsockname/getpeername.
static inline int ferry_uv_address_name(const struct sockaddr_storage *address,
                                        char *host, size_t host_size, unsigned short *port) {
    return ferry_uv_sockaddr_name((const struct sockaddr *)address, host, host_size, port);
}

/// `getifaddrs`, returning 0 or a negative errno (libuv's error convention on Unix).
static inline int ferry_uv_getifaddrs(struct ifaddrs **list) {
    return getifaddrs(list) == 0 ? 0 : -errno;
}

/// An interface's flags from getifaddrs as FerryLoop's own bits: 1 up, 2 running, 4 multicast,
/// 8 loopback (the IFF_ constants are an enum Swift imports awkwardly, and differ across systems).
static inline unsigned ferry_uv_interface_flags(unsigned flags) {
    return ((flags & IFF_UP) ? 1u : 0u) | ((flags & IFF_RUNNING) ? 2u : 0u)
        | ((flags & IFF_MULTICAST) ? 4u : 0u) | ((flags & IFF_LOOPBACK) ? 8u : 0u);
}

/// Size of sockaddr_storage as the `int` that uv_tcp_getsockname expects.
static inline int ferry_uv_sockaddr_storage_size(void) {
    return (int)sizeof(struct sockaddr_storage);
}

/// The longest Unix socket path, in bytes without the terminating NUL, that fits in sun_path.
/// libuv 1.44 silently truncates longer paths, so FerryLoop checks before calling it.
static inline size_t ferry_uv_pipe_path_bytes_max(void) {
    struct sockaddr_un address;
    return sizeof(address.sun_path) - 1;
}

#endif
