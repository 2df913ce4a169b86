import type { InvoiceLine } from "../domain.server.ts";

/** A shop's invoices, on the admin's billing page and the console's shop page. */
export function InvoiceTable({ invoices }: { invoices: InvoiceLine[] }) {
  if (!invoices.length) return <p className="muted">No invoices yet.</p>;
  return (
    <div className="scroll-x">
      <table>
        <thead>
          <tr>
            <th>Date (UTC)</th>
            <th>Plan</th>
            <th className="num">Amount</th>
            <th>Status</th>
            <th>Paid until</th>
          </tr>
        </thead>
        <tbody>
          {invoices.map((i) => (
            <tr key={i.id}>
              <td>{i.date}</td>
              <td>{i.plan}</td>
              <td className="num">{i.amount}</td>
              <td>{i.status}</td>
              <td>{i.until}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
