package org.exitfilter.requests.verify;

import org.exitfilter.requests.store.BanRequest.Method;

/**
 * One check of one name.
 *
 * @param name the name checked
 * @param method how
 * @param passed whether it proved control of the name
 * @param detail what was seen
 */
public record Check(String name, Method method, boolean passed, String detail) {}
