package org.exitfilter.proxy.tunnel;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads every server name a TLS ClientHello asks for (RFC 6066 section 3), and refuses any hello
 * that is not exactly well formed.
 *
 * <p>Netty's SNI handler returns the first host_name of the first server_name extension and treats
 * whatever it cannot read as "no name". TLS stacks differ on the rest: Go's skips entries of
 * unknown types and takes the host_name after them, others take a later entry or the second of two
 * extensions. So a filter must see every name any of them could use, and must not guess at a hello
 * it cannot read: each of those would let a banned name through as "no name".
 */
final class ClientHelloServerNames {
  private static final int SERVER_NAME = 0;
  private static final int HOST_NAME = 0;
  private static final int VERSION_AND_RANDOM = 2 + 32;

  private ClientHelloServerNames() {}

  /** A ClientHello that is not well formed; no name in it can be trusted to be the one used. */
  static final class MalformedHelloException extends Exception {
    MalformedHelloException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The names of every host_name entry of every server_name extension, decoded as UTF-8 (RFC 6066
   * asks for ASCII; a stack that takes the bytes as they come sees the same text); empty when the
   * hello asks for no name.
   *
   * @param hello the ClientHello body after its handshake header; not consumed or released
   * @throws MalformedHelloException when a length overruns, bytes are left over, a server_name list
   *     is empty or has an entry of another type, or a name is not UTF-8
   */
  static List<String> read(ByteBuf hello) throws MalformedHelloException {
    ByteBuf in = hello.duplicate();
    skip(in, VERSION_AND_RANDOM);
    skip(in, readLength8(in)); // session_id
    skip(in, readLength16(in)); // cipher_suites
    skip(in, readLength8(in)); // compression_methods
    List<String> names = new ArrayList<>();
    if (!in.isReadable()) {
      // No extensions at all, as TLS 1.2 and older allow.
      return names;
    }
    ByteBuf extensions = slice16(in);
    requireEnd(in, "bytes after the extensions");
    while (extensions.isReadable()) {
      int type = readLength16(extensions);
      ByteBuf data = slice16(extensions);
      if (type == SERVER_NAME) {
        readServerNames(data, names);
      }
    }
    return names;
  }

  private static void readServerNames(ByteBuf data, List<String> names)
      throws MalformedHelloException {
    ByteBuf list = slice16(data);
    requireEnd(data, "bytes after the server name list");
    if (!list.isReadable()) {
      throw new MalformedHelloException("empty server name list");
    }
    while (list.isReadable()) {
      int nameType = readLength8(list);
      ByteBuf name = slice16(list);
      if (nameType != HOST_NAME) {
        throw new MalformedHelloException("server name of type " + nameType);
      }
      names.add(utf8(name));
    }
  }

  private static String utf8(ByteBuf name) throws MalformedHelloException {
    byte[] bytes = new byte[name.readableBytes()];
    name.readBytes(bytes);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedHelloException("server name that is not UTF-8");
    }
  }

  private static int readLength8(ByteBuf in) throws MalformedHelloException {
    require(in, 1);
    return in.readUnsignedByte();
  }

  private static int readLength16(ByteBuf in) throws MalformedHelloException {
    require(in, 2);
    return in.readUnsignedShort();
  }

  private static ByteBuf slice16(ByteBuf in) throws MalformedHelloException {
    int length = readLength16(in);
    require(in, length);
    return in.readSlice(length);
  }

  private static void skip(ByteBuf in, int length) throws MalformedHelloException {
    require(in, length);
    in.skipBytes(length);
  }

  private static void require(ByteBuf in, int length) throws MalformedHelloException {
    if (in.readableBytes() < length) {
      throw new MalformedHelloException("a length runs past the end of the ClientHello");
    }
  }

  private static void requireEnd(ByteBuf in, String what) throws MalformedHelloException {
    if (in.isReadable()) {
      throw new MalformedHelloException(what);
    }
  }
}
