/** The service inventory on PostgreSQL (implements the domain's ServiceRepository port). */
import type { Guarantee, RentedService, ServiceEnd, ServiceRepository, ServiceState } from '../domain/service-inventory.js';
import { invariantViolated } from '../errors/coded-error.js';
import { run, type Pool } from './database.js';
import { findServiceForOperator } from './queries/services.js';

interface EndJson {
  end: 'A' | 'Z'; label: string; streetNumber: string | null; street: string; complement: string | null;
  postcode: string; city: string; inseeCode: string | null; pmRef: string | null; pboRef: string | null; ptoRef: string | null;
}

interface ServiceRow {
  service_id: string; state: ServiceState; activated_on: string; complementary_info: string | null;
  offer_code: string; offer_label: string; ends: EndJson[] | null; guarantees: Guarantee[] | null;
}

function toEnd(e: EndJson | undefined, serviceId: string, code: string): ServiceEnd {
  if (!e) throw invariantViolated(`service ${serviceId} has no end ${code}`);
  return {
    label: e.label,
    address: { streetNumber: e.streetNumber, street: e.street, complement: e.complement, postcode: e.postcode, city: e.city, inseeCode: e.inseeCode },
    pmRef: e.pmRef, pboRef: e.pboRef, ptoRef: e.ptoRef
  };
}

export function createServiceRepository(pool: Pool): ServiceRepository {
  return {
    async findForOperator(operatorId: string, serviceId: string): Promise<RentedService | null> {
      const [row] = await run<ServiceRow>(pool, findServiceForOperator(operatorId, serviceId));
      if (!row) return null;
      const ends = row.ends ?? [];
      return {
        serviceId: row.service_id,
        offer: { code: row.offer_code, label: row.offer_label },
        state: row.state,
        activatedOn: row.activated_on,
        endA: toEnd(ends.find((e) => e.end === 'A'), row.service_id, 'A'),
        endZ: toEnd(ends.find((e) => e.end === 'Z'), row.service_id, 'Z'),
        complementaryInfo: row.complementary_info,
        guarantees: row.guarantees ?? []
      };
    }
  };
}
