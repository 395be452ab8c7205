/**
 * Why a users route of the internal API refuses a request (issue 21): the action's own refusal (an AdminError of
 * the same actions as esav-admin users) or a request field it cannot read, under the API's USER_* code.
 */
import { CodedError } from './coded-error.js';

export type PortalUserRefusalCode = 'USER_INVALID' | 'USER_NOT_FOUND' | 'USER_CONFLICT';

export class PortalUserRefusal extends CodedError<'ESAV_PORTAL_USER_REFUSED'> {
  constructor(readonly apiCode: PortalUserRefusalCode, message: string, readonly field?: string) {
    super('ESAV_PORTAL_USER_REFUSED', message);
  }
}
