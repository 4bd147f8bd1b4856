import { type AccessTokenResult, type CallSpec, ClientCore } from '../client/core.js';
import type { TokenStore } from '../client/token-store.js';
import type { TransportOptions } from '../client/transport.js';

/** What {@link ComponentApi} is made with. */
export interface ComponentApiOptions extends TransportOptions {
  appId: string;
  baseUrl?: string;
  tokenStore?: TokenStore;
  grantToken: () => Promise<AccessTokenResult>;
}

/**
 * The component's own calls (`/cgi-bin/component/*`): the client core — transport, errors, the
 * token cached, single-flight, locked in a shared store and retried once when rejected — with the
 * `component_access_token` in the query instead of `access_token`. Internal to the Open Platform.
 */
export class ComponentApi extends ClientCore {
  protected override readonly tokenParam = 'component_access_token';

  constructor(options: ComponentApiOptions) {
    super(options);
  }

  /** Send `spec` (with the component_access_token unless `anonymous`) and return the checked answer. */
  request<T>(spec: CallSpec): Promise<T> {
    return this.call<T>(spec);
  }
}
