import { afterEach, describe, expect, it } from '@jest/globals';
import type { MongoClient } from 'mongodb';
import { connectMongo, databaseName, DEFAULT_SERVER_SELECTION_TIMEOUT_MS } from './mongo-connection.js';

// connectMongo builds the client without connecting (the driver connects on first use), so the
// options it resolved can be read here with no server.
describe('connectMongo', () => {
  const clients: MongoClient[] = [];
  const connect = (...args: Parameters<typeof connectMongo>) => {
    const connection = connectMongo(...args);
    clients.push(connection.client);
    return connection;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  it('defaults the server selection timeout, or takes the one given', () => {
    expect(connect('mongodb://127.0.0.1:9/', { appName: 'test', majority: true }).client.options.serverSelectionTimeoutMS).toBe(DEFAULT_SERVER_SELECTION_TIMEOUT_MS);
    expect(connect('mongodb://127.0.0.1:9/', { appName: 'test', majority: true, serverSelectionTimeoutMs: 5_000 }).client.options.serverSelectionTimeoutMS).toBe(5_000);
  });

  it('leaves the timeout a connection string sets alone, whatever its case', () => {
    expect(connect('mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=50', { appName: 'test', majority: true, serverSelectionTimeoutMs: 5_000 }).client.options.serverSelectionTimeoutMS).toBe(50);
    expect(connect('mongodb://127.0.0.1:9/shop?replicaSet=rs0&serverselectiontimeoutms=70', { appName: 'test', majority: false }).client.options.serverSelectionTimeoutMS).toBe(70);
  });

  it('asks for majority writes and reads only when told to', () => {
    const majority = connect('mongodb://127.0.0.1:9/', { appName: 'test', majority: true }).client.options;
    expect(majority.writeConcern?.w).toBe('majority');
    expect(majority.readConcern?.level).toBe('majority');
    const driverDefault = connect('mongodb://127.0.0.1:9/', { appName: 'test', majority: false }).client.options;
    expect(driverDefault.writeConcern?.w).toBeUndefined();
    expect(driverDefault.readConcern?.level).toBeUndefined();
  });

  it('names the connection after its store, unless the connection string names it', () => {
    expect(connect('mongodb://127.0.0.1:9/', { appName: 'orderstream-key-store', majority: true }).client.options.appName).toBe('orderstream-key-store');
    expect(connect('mongodb://127.0.0.1:9/?appname=ops-tool', { appName: 'orderstream-key-store', majority: true }).client.options.appName).toBe('ops-tool');
  });

  it('names the database of the connection string', () => {
    expect(connect('mongodb://127.0.0.1:9/shop?replicaSet=rs0', { appName: 'test', majority: true }).database).toBe('shop');
  });
});

describe('databaseName', () => {
  it('takes the path of the connection string, orderstream without one', () => {
    expect(databaseName('mongodb://localhost:27017')).toBe('orderstream');
    expect(databaseName('mongodb://localhost:27017/?replicaSet=rs0')).toBe('orderstream');
    expect(databaseName('mongodb://u:p@h1:27017,h2:27017/shop?replicaSet=rs0')).toBe('shop');
    expect(databaseName('mongodb+srv://cluster.example.net/shop')).toBe('shop');
  });
});
