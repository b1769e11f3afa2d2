// Realistic Indian cardholder names for demo and benchmark data.
export const FIRST_NAMES = [
  'Aarav', 'Vivaan', 'Aditya', 'Vihaan', 'Arjun', 'Sai', 'Reyansh', 'Ayaan', 'Krishna', 'Ishaan',
  'Shaurya', 'Atharv', 'Advik', 'Pranav', 'Rohan', 'Kabir', 'Rahul', 'Amit', 'Suresh', 'Rajesh',
  'Ananya', 'Diya', 'Aadhya', 'Saanvi', 'Pari', 'Myra', 'Anika', 'Navya', 'Kiara', 'Riya',
  'Priya', 'Sneha', 'Pooja', 'Kavya', 'Meera', 'Lakshmi', 'Divya', 'Nisha', 'Shreya', 'Aishwarya',
  'Venkatesh', 'Karthik', 'Harish', 'Manoj', 'Deepak', 'Sanjay', 'Gurpreet', 'Harpreet', 'Farhan', 'Imran',
];
export const LAST_NAMES = [
  'Sharma', 'Verma', 'Gupta', 'Patel', 'Shah', 'Mehta', 'Iyer', 'Iyengar', 'Nair', 'Menon',
  'Reddy', 'Rao', 'Naidu', 'Kumar', 'Singh', 'Chauhan', 'Yadav', 'Joshi', 'Kulkarni', 'Deshpande',
  'Banerjee', 'Chatterjee', 'Mukherjee', 'Das', 'Bose', 'Ghosh', 'Sen', 'Pillai', 'Krishnan', 'Subramanian',
  'Agarwal', 'Bansal', 'Jain', 'Malhotra', 'Kapoor', 'Khanna', 'Bhatia', 'Sethi', 'Gill', 'Sandhu',
  'Khan', 'Qureshi', 'Siddiqui', 'Fernandes', "D'Souza", 'Pereira', 'Thomas', 'Mathew', 'George', 'Kurian',
];
export const BANKS = [
  ['HDFC', 'HDFC Bank'], ['ICICI', 'ICICI Bank'], ['SBI', 'State Bank of India'], ['AXIS', 'Axis Bank'],
  ['KOTAK', 'Kotak Mahindra Bank'], ['YES', 'Yes Bank'], ['IDFC', 'IDFC First Bank'], ['PNB', 'Punjab National Bank'],
] as const;
export const SCHEMES = ['VISA', 'MASTERCARD', 'RUPAY', 'AMEX', 'DINERS'] as const;
