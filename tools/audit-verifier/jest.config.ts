import { testTiers } from '../jest/test-tiers';

export default testTiers('audit-verifier', __dirname);
