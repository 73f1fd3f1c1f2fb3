import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import { forbidNetwork } from './network-guard';
import { UNIT_SPEC_NETWORK_ERROR } from './unit-test-environment';

// This file runs in the unit tier's environment, so every attempt below must fail before a socket opens.
describe('the unit test environment', () => {
  it('refuses a TCP connection', () => {
    expect(() => net.connect(5432, '127.0.0.1')).toThrow(`${UNIT_SPEC_NETWORK_ERROR} (net.Socket#connect)`);
  });

  it('refuses an HTTP request and a fetch', async () => {
    expect(() => http.get('http://127.0.0.1:5432/')).toThrow(UNIT_SPEC_NETWORK_ERROR);
    await expect(fetch('http://127.0.0.1:5432/')).rejects.toMatchObject({ cause: { message: expect.stringContaining(UNIT_SPEC_NETWORK_ERROR) } });
  });

  it('refuses to listen on a port', () => {
    expect(() => http.createServer().listen(0, '127.0.0.1')).toThrow(`${UNIT_SPEC_NETWORK_ERROR} (net.Server#listen)`);
  });

  it('refuses UDP', () => {
    const socket = dgram.createSocket('udp4');
    try {
      expect(() => socket.bind(0, '127.0.0.1')).toThrow(`${UNIT_SPEC_NETWORK_ERROR} (dgram.Socket#bind)`);
      expect(() => socket.send('ping', 9, '127.0.0.1')).toThrow(`${UNIT_SPEC_NETWORK_ERROR} (dgram.Socket#send)`);
    } finally {
      socket.close();
    }
  });
});

describe('forbidNetwork', () => {
  it('gives back exactly the methods it replaced', () => {
    const connect = net.Socket.prototype.connect;
    const listen = net.Server.prototype.listen;
    const allowNetwork = forbidNetwork('nested guard');
    expect(() => net.connect(9, '127.0.0.1')).toThrow('nested guard (net.Socket#connect)');
    allowNetwork();
    expect(net.Socket.prototype.connect).toBe(connect);
    expect(net.Server.prototype.listen).toBe(listen);
  });
});
