import type { AppInfo } from './dto/app.js';
import type { ContextSummary, SessionStatus } from './dto/cluster.js';

/**
 * Every call the renderer can make: method name → [argument, result]. This is the only place a
 * method is named; `channels.ts` derives the runtime allow-list from `API_ARG_SCHEMAS`, whose type
 * forces one entry per key. Each call takes one argument and returns one result.
 */
export interface Api {
  'app.info': [arg: null, result: AppInfo];
  'contexts.list': [arg: null, result: ContextSummary[]];
  /** Opens a kubeconfig context, or this machine (`local: true`), closing the current session first. */
  'session.open': [arg: { context?: string; local?: boolean; namespace?: string }, result: SessionStatus];
  'session.close': [arg: null, result: null];
  /** Limits the namespaced views to one namespace; absent means all namespaces. */
  'session.setNamespace': [arg: { namespace?: string }, result: null];
  /** The user's answer to an exec-plugin consent request. */
  'exec.answer': [arg: { id: string; decision: 'once' | 'always' | 'deny' }, result: null];
}

export type ApiMethod = keyof Api;
export type ApiArg<M extends ApiMethod> = Api[M][0];
export type ApiResult<M extends ApiMethod> = Api[M][1];
