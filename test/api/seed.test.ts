import { expect } from 'chai';
import { defineAuthModels } from '../../server/auth/models.ts';
import { verifyPassword } from '../../server/auth/password.ts';
import { ROLES } from '../../server/auth/roles.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { DEMO_EXPERT_ACCOUNTS } from '../../server/seed/registers.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';

describe('demo seed', () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await testDatabase();
  });
  after(async () => tdb.drop());

  it('creates the 涪城区 units and one user per role on a new database, then does nothing', async () => {
    const accounts = await seedDemo(tdb.db, { password: 'seed-pass-1' });
    expect(accounts.map((a) => a.username)).to.have.members([...ROLES]);
    const { User, Organisation } = defineAuthModels(tdb.db.sequelize);
    const kinds = (await Organisation.findAll()).map((o) => o.kind);
    expect(kinds).to.include.members(['purchaser_unit', 'department', 'finance_bureau', 'supervision', 'city_finance', 'agency', 'supplier', 'centre']);
    expect((await Organisation.findOne({ where: { kind: 'centre' } }))!.name).to.equal('涪城区公共资源交易中心');
    const purchaser = await User.findOne({ where: { username: 'purchaser' } });
    expect(purchaser!.roleList()).to.deep.equal(['purchaser']);
    expect(await verifyPassword('seed-pass-1', purchaser!.passwordHash)).to.equal(true);

    expect(await seedDemo(tdb.db, { password: 'other' })).to.deep.equal([]);
    expect(await User.count()).to.equal(ROLES.length + DEMO_EXPERT_ACCOUNTS.length); // + the demo experts' logins
    expect(await Organisation.count()).to.equal(kinds.length);
  });
});
